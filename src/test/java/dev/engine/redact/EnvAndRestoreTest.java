package dev.engine.redact;

import static dev.engine.redact.Secrets.KEY;
import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvAndRestoreTest {

    @Test
    void values_of_sensitive_environment_variables_go_everywhere() {
        String openai = "sk-" + random(40);
        String cf = random(40);
        String db = "Tr0ub4dor&3 horse";
        String shortOne = "abc12";
        Map<String, String> env = Map.of(
                "OPENAI_API_KEY", openai,
                "CLOUDFLARE_API_TOKEN", cf,
                "PGPASSWORD", db,
                "MY_CREDENTIALS_BLOB", "cred-" + random(12),
                "SHORT_TOKEN", shortOne,
                "HOME", "/home/op",
                "EDITOR", "vim-tiny-9",
                "SOPS_AGE_KEY_FILE", "/home/op/.config/sops/age/keys.txt");
        Redactor r = Redactor.create(KEY, env);
        String text = "calling with " + cf + " now\n" + "psql failed for password '" + db + "' (exit 2)\n"
                + "key=" + openai + "\n" + "editor vim-tiny-9 at /home/op/.config/sops/age/keys.txt, " + env.get("MY_CREDENTIALS_BLOB")
                + " " + shortOne + "\n";
        String out = r.redact(text);
        assertGone(out, cf);
        assertGone(out, openai);
        assertThat(out).doesNotContain(db).doesNotContain(env.get("MY_CREDENTIALS_BLOB"));
        assertThat(out).contains("calling with [REDACTED:secret:").contains(" now\n")
                .contains("psql failed for password '[REDACTED:").contains("' (exit 2)\n")
                .contains("editor vim-tiny-9 at /home/op/.config/sops/age/keys.txt, ")
                .endsWith(" abc12\n").as("values under 6 characters would match ordinary text");
    }

    @Test
    void an_env_secret_wrapped_across_lines_still_goes_and_the_lines_stay() {
        String token = random(60);
        Redactor r = Redactor.create(KEY, Map.of("GITHUB_TOKEN", token));
        String wrapped = "auth " + token.substring(0, 25) + "\r\n" + token.substring(25) + " end\r\nnext line\r\n";
        String out = r.redact(wrapped);
        assertGone(out, token.substring(0, 25));
        assertGone(out, token.substring(25));
        assertThat(out).startsWith("auth [REDACTED:secret:").contains("\r\n[REDACTED:secret:").endsWith(" end\r\nnext line\r\n");
        assertThat(out.split("\r\n", -1)).hasSize(4);
        assertThat(r.restore(out)).isEqualTo(wrapped);
    }

    @Test
    void short_texts_and_texts_of_only_line_breaks_pass_through() {
        Redactor r = Redactor.create(KEY, Map.of("API_TOKEN", "abcdef123"));
        for (String t : new String[] {"", "\n", "a\r\nb\n", "abc\n\n\n\n", "abcdef"}) {
            assertThat(r.redact(t)).isEqualTo(t);
        }
        assertThat(r.redact("abcdef123")).matches("\\[REDACTED:secret:[0-9a-f]{12}]");
        assertThat(r.redact(null)).isNull();
    }

    @Test
    void the_same_secret_gets_the_same_placeholder_across_instances_with_the_same_key_only() {
        String text = "password: correct-horse-battery-9\n";
        String a = Redactor.create(KEY, Map.of()).redact(text);
        String b = Redactor.create(KEY.clone(), Map.of()).redact(text);
        String c = Redactor.create(Secrets.filled(32, (byte) 8), Map.of()).redact(text);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(a).matches("password: \\[REDACTED:secret:[0-9a-f]{12}]\n");
    }

    @Test
    void a_secret_seen_once_is_redacted_where_it_appears_again_later() {
        Redactor r = Redactor.create(KEY, Map.of());
        String pw = "Wh4tever-" + random(8);
        r.redact("db:\n  password: " + pw + "\n");
        String later = r.redact("ERROR connecting as app with " + pw + ": auth failed\n");
        assertThat(later).doesNotContain(pw).startsWith("ERROR connecting as app with [REDACTED:secret:");
        assertThat(r.secretsSeen()).isEqualTo(1);
    }

    @Test
    void restore_puts_back_what_this_redactor_replaced_and_leaves_unknown_placeholders() {
        Redactor r = Redactor.create(KEY, Map.of());
        String pw = "p4ss-" + random(10);
        String original = "  password: " + pw + "\n  user: bob\n";
        String red = r.redact(original);
        assertThat(r.restore(red)).isEqualTo(original);

        String quotedByModel = " context line:  password: " + red.substring(red.indexOf("[REDACTED"), red.indexOf(']') + 1)
                + " and [REDACTED:token:deadbeef] and [REDACTED:password:00000000]";
        assertThat(r.restore(quotedByModel)).contains("password: " + pw + " and [REDACTED:token:deadbeef] and [REDACTED:password:00000000]");

        Redactor other = Redactor.create(KEY, Map.of());
        assertThat(other.restore(red)).as("a fresh instance has not seen the secret").isEqualTo(red);
        Redactor withEnv = Redactor.create(KEY, Map.of("DB_PASSWORD", pw));
        assertThat(withEnv.restore(red)).as("but can re-derive placeholders of its env secrets").isEqualTo(original);
    }

    @Test
    void restore_of_a_pem_block_gives_back_the_exact_lines() {
        Redactor r = Redactor.create(KEY, Map.of());
        String original = "tls.key: |\n  -----BEGIN EC PRIVATE KEY-----\n  " + random(64) + "\n  " + random(30)
                + "==\n  -----END EC PRIVATE KEY-----\nnext: 1\n";
        String red = r.redact(original);
        assertThat(red).doesNotContain("BEGIN EC");
        assertThat(r.restore(red)).isEqualTo(original);
    }

    @Test
    void placeholder_shape_is_recognised_whoever_wrote_it() {
        assertThat(Redactor.containsPlaceholder("x = [REDACTED:token:0a1b2c3d]")).isTrue();
        assertThat(Redactor.containsPlaceholder("x = [redacted:Token:0A1B2C3D]")).isTrue();
        assertThat(Redactor.containsPlaceholder("x = [REDACTED:private-key:ffffffff];")).isTrue();
        assertThat(Redactor.containsPlaceholder("x = [REDACTED]")).isFalse();
        assertThat(Redactor.containsPlaceholder("x = [REDACTED:token:0a1b2c3]")).isFalse();
        assertThat(Redactor.containsPlaceholder(null)).isFalse();
        assertThat(Redactor.PLACEHOLDER.matcher("[REDACTED:env:12345678]").matches()).as("8 hex: written before the widening").isTrue();
        assertThat(Redactor.PLACEHOLDER.matcher("[REDACTED:secret-b64a1u:0123456789ab]").matches()).isTrue();
        assertThat(Redactor.containsPlaceholder("x = [REDACTED:token:0a1b2c3d4e5]")).as("11 hex").isFalse();
    }

    @Test
    void the_placeholder_reveals_nothing_but_equality() {
        Redactor r = Redactor.create(KEY, Map.of());
        String out = r.redact("password: aaaaaaaa\npassword: aaaaaaab\ntoken: aaaaaaaa\n");
        String[] lines = out.split("\n");
        String h1 = lines[0].substring(lines[0].length() - 13, lines[0].length() - 1);
        String h2 = lines[1].substring(lines[1].length() - 13, lines[1].length() - 1);
        String h3 = lines[2].substring(lines[2].length() - 13, lines[2].length() - 1);
        assertThat(h1).isNotEqualTo(h2).isEqualTo(h3);
        assertThat(out).doesNotContain("aaaa");
    }

    @Test
    void a_short_or_missing_key_is_refused() {
        assertThatThrownBy(() -> Redactor.create(new byte[4], Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redaction.key");
        assertThatThrownBy(() -> Redactor.create(null, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dot_env_files_lose_random_values_of_any_variable_and_keep_plain_settings() {
        String anyRandom = random(32);
        String webhook = random(24);
        String text = "# homelab\nTALOS_VERSION=v1.7.5\nCLUSTER_NAME=homelab\nRANDOM_THING=" + anyRandom
                + "\nDISCORD_WEBHOOK_SECRET=" + webhook + "\nEMPTY=\n";
        String out = Redactor.create(KEY, Map.of()).redactFile("clusters/home/.env", text);
        assertGone(out, anyRandom);
        assertGone(out, webhook);
        assertThat(out).contains("TALOS_VERSION=v1.7.5\nCLUSTER_NAME=homelab\nRANDOM_THING=[REDACTED:").endsWith("EMPTY=\n");
    }
}
