package dev.engine.redact;

import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.random;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HostileInputTest {

    @Test
    void a_secret_in_the_middle_of_a_megabyte_line() {
        String token = "ghp_" + random(36);
        String pw = random(20);
        String filler = "x".repeat(500_000);
        String line = filler + " token=" + token + " password=" + pw + " " + filler;
        String out = redactor().redact(line);
        assertGone(out, token);
        assertGone(out, pw);
        assertThat(out).startsWith(filler + " token=[REDACTED:").endsWith(" " + filler);
    }

    @Test
    void repeated_secrets_all_go_with_one_placeholder() {
        String pw = "Pw-" + random(14);
        String text = ("password=" + pw + "\n").repeat(1000) + ("login " + pw + " ok\n").repeat(1000);
        Redactor r = redactor();
        String out = r.redact(text);
        assertGone(out, pw);
        assertThat(out.lines().distinct().count()).isEqualTo(2);
        assertThat(r.secretsSeen()).isEqualTo(1);
    }

    @Test
    void overlapping_matches_merge_into_one_replacement() {
        String key = "sk-proj-" + random(48);
        Redactor r = Redactor.create(Secrets.KEY, Map.of("OPENAI_API_KEY", key));
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0." + random(40);
        String text = "OPENAI_API_KEY=" + key + "\n" + "Authorization: Bearer " + jwt + "\n"
                + "{\"token\": \"" + jwt + "\", \"n\": 1}\n";
        String out = r.redact(text);
        assertGone(out, key);
        assertGone(out, jwt.substring(36));
        assertThat(out).matches("OPENAI_API_KEY=\\[REDACTED:openai-key:[0-9a-f]{12}]\n"
                + "Authorization: Bearer \\[REDACTED:jwt:[0-9a-f]{12}]\n"
                + "\\{\"token\": \"\\[REDACTED:jwt:[0-9a-f]{12}]\", \"n\": 1}\n");
    }

    @Test
    void unicode_around_secrets_survives() {
        String pw = random(18);
        String tok = "ghs_" + random(36);
        String text = "🔑 пароль password=" + pw + "🔒 «" + tok + "» ✓ 日本語\u200b\n";
        String out = redactor().redact(text);
        assertGone(out, pw);
        assertGone(out, tok);
        assertThat(out).startsWith("🔑 пароль password=[REDACTED:secret:").contains("]🔒 «[REDACTED:github-token:")
                .endsWith("]» ✓ 日本語\u200b\n");
    }

    @Test
    void crlf_everywhere() {
        String pw = random(18);
        String tok = random(30);
        String text = "a: 1\r\npassword: " + pw + "\r\ntoken: \"" + tok + "\"\r\nb: 2\r\n";
        String out = redactor().redact(text);
        assertGone(out, pw);
        assertGone(out, tok);
        assertThat(out).matches("a: 1\r\npassword: \\[REDACTED:secret:[0-9a-f]{12}]\r\ntoken: \"\\[REDACTED:secret:[0-9a-f]{12}]\"\r\nb: 2\r\n");
    }

    /** Hang guard only (no timing claim): without it a quadratic regression would stall the suite. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void five_megabytes_of_adversarial_lines_finish_and_planted_secrets_still_go() {
        String planted = "sk-" + random(40);
        String pw = random(20);
        String[] nasty = {
            "eyJ".repeat(20_000),
            "eyJ" + "a".repeat(30_000) + ".eyJ" + "b".repeat(30_000),
            "password=".repeat(8_000),
            "password: \"".repeat(6_000),
            "\\\"password\\\":\\\"".repeat(4_000),
            "token:".repeat(10_000),
            "a=".repeat(30_000),
            "sk-".repeat(20_000),
            "-----BEGIN PRIVATE KEY-----".repeat(2_000),
            "-----BEGIN PRIVATE KEY-----\n" + "A".repeat(60_000),
            "LS0tLS1CRUdJTi".repeat(4_000),
            "://a:b".repeat(10_000),
            "bearer ".repeat(8_000),
            "--token --token ".repeat(4_000),
            "[REDACTED:".repeat(6_000),
            "a".repeat(60_000),
            "abcdef.".repeat(8_000),
            "key: |",
            " ".repeat(50_000) + "x",
            "\\".repeat(60_000),
            "'".repeat(60_000),
            "password='" + "'".repeat(60_000),
            "{\"a\":" .repeat(10_000),
            "Cookie: a=b; ".repeat(20_000),
            "Authorization: Bearer ".repeat(10_000),
            "curl -u a:b ".repeat(10_000),
            "${X:-".repeat(10_000),
            "- name: DB_PASSWORD\n".repeat(5_000),
            "ghp_abcd\n".repeat(10_000),
            "{\"kind\":\"Secret\",\"data\":{\"a\":\"" + "x".repeat(15_000) + "\"}}",
        };
        StringBuilder sb = new StringBuilder(5_300_000);
        int i = 0;
        while (sb.length() < 5_000_000) {
            sb.append(nasty[i % nasty.length]).append(i % 3 == 0 ? "\r\n" : "\n");
            if (i == 40) {
                sb.append("api_key=").append(planted).append(" password: ").append(pw).append('\n');
            }
            i++;
        }
        String out = redactor().redact(sb.toString());
        assertGone(out, planted);
        assertThat(out).doesNotContain(pw);
        assertThat(out.length()).isGreaterThan(1_000_000);
    }
}
