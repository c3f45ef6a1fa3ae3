package dev.engine.redact;

import static dev.engine.redact.Secrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** One secret, one placeholder: whichever layer finds it, in every text, in every instance with the same key. */
class PlaceholderStabilityTest {

    private static String first(String out) {
        Matcher m = Redactor.PLACEHOLDER.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group();
    }

    @Test
    void the_same_value_found_by_different_layers_in_different_texts_and_instances() {
        String pw = "St4ble-" + random(16);
        Map<String, String> env = Map.of("DB_PASSWORD", pw);
        Redactor a = Redactor.create(Secrets.KEY, env);
        Redactor b = Redactor.create(Secrets.KEY.clone(), Map.of());
        String byField = first(a.redactFile("values.yaml", "auth:\n  password: " + pw + "\n"));
        String byKnown = first(a.redact("FATAL: password authentication failed (" + pw + ")\n"));
        String byFlag = first(b.redact("argocd login x --password " + pw + "\n"));
        String byUrl = first(b.redact("postgres://app:" + pw + "@db:5432/app\n"));
        assertThat(byField).isEqualTo(byKnown).isEqualTo(byFlag).isEqualTo(byUrl).matches("\\[REDACTED:secret:[0-9a-f]{12}]");
        String otherKey = first(Redactor.create(Secrets.filled(32, (byte) 9), env).redact(pw + "\n"));
        assertThat(otherKey).isNotEqualTo(byField);
    }

    @Test
    void a_token_keeps_its_format_kind_wherever_it_is() {
        String gh = "ghp_" + random(36);
        Redactor r = Redactor.create(Secrets.KEY, Map.of());
        String a = first(r.redact("token: " + gh + "\n"));
        String b = first(r.redact("git push https://x-access-token:" + gh + "@github.com/o/r.git\n"));
        String c = first(r.redact("export GITHUB_TOKEN=\"" + gh + "\"\n"));
        assertThat(a).isEqualTo(b).isEqualTo(c).startsWith("[REDACTED:github-token:");
    }

    @Test
    void restore_gives_back_exactly_what_was_replaced_and_an_old_short_placeholder_is_still_recognised() {
        Redactor r = Redactor.create(Secrets.KEY, Map.of());
        String text = "password: \"" + "Rs" + random(20) + "\"\ncurl -u admin:" + random(18) + " https://x\n";
        String out = r.redact(text);
        assertThat(r.restore(out)).isEqualTo(text);
        assertThat(Redactor.containsPlaceholder("x: [REDACTED:token:0a1b2c3d]")).isTrue();
        assertThat(r.restore("x: [REDACTED:token:0a1b2c3d]")).isEqualTo("x: [REDACTED:token:0a1b2c3d]");
    }
}
