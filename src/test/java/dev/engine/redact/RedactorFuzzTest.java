package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random text from hostile fragments and planted secrets. Whatever the input: no exception, the
 * line structure is kept, planted secrets are gone, a second pass undoes nothing, and
 * restore() gives back the input exactly.
 */
class RedactorFuzzTest {
    private static final String[] FRAGMENTS = {
        "password", "token", "key", "secret", "api_key", "Authorization", "Bearer ", "basic ", ":", "=", ": ", " = ",
        "\"", "'", "\\\"", "\\", "{", "}", "[", "]", "(", ")", " ", "\t", "\n", "\r\n", "|", ">", "-", "--", "---\n",
        "kind: Secret\n", "data:\n", "  ", "#", "$", "${X}", "://", "@", "user:", "sk-", "eyJ", ".", "ghp_", "AKIA",
        "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----", "LS0tLS1CRUdJTi",
        "[REDACTED:", "[REDACTED:token:0123abcd]", "é", "🔑", "✓", "\u200b", "null", "true", "export ", "x", "abc123",
        "AGE-SECRET-KEY-1", "xoxb-", "abcdef.", "0123456789abcdef", "ENC[", "<x>",
    };

    @Test
    void random_hostile_text_keeps_its_invariants() {
        Random rnd = new Random(20251102);
        for (int round = 0; round < 3000; round++) {
            String planted = "Zz9" + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36) + "Qq7";
            Redactor r = Redactor.create(Secrets.KEY, Map.of("SOME_TOKEN", "envS3cret-" + round));
            StringBuilder sb = new StringBuilder();
            int parts = 1 + rnd.nextInt(40);
            for (int i = 0; i < parts; i++) {
                switch (rnd.nextInt(12)) {
                    case 0 -> sb.append("\npassword: ").append(planted).append('\n');
                    case 1 -> sb.append(" envS3cret-").append(round).append(' ');
                    case 2 -> sb.append(" sk-").append(planted).append("AbCdEfGh1234 ");
                    default -> sb.append(FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
                }
            }
            String in = sb.toString();
            String out = r.redact(in);
            String file = r.redactFile(rnd.nextBoolean() ? "talosconfig" : ".env", in);
            assertThat(out.split("\n", -1)).as(in).hasSameSizeAs(in.split("\n", -1));
            assertThat(file.split("\n", -1)).as(in).hasSameSizeAs(in.split("\n", -1));
            if (in.contains("password: " + planted + "\n") || in.contains(" sk-" + planted)) {
                assertThat(out).as(in).doesNotContain(planted);
            }
            assertThat(out).as(in).doesNotContain("envS3cret-" + round + " ");
            // A second pass may catch a token the first saw glued to its neighbour (now a
            // placeholder), but never undoes a replacement.
            String again = r.redact(out);
            java.util.regex.Matcher m = Redactor.PLACEHOLDER.matcher(out);
            while (m.find()) {
                assertThat(again).as(in).contains(m.group());
            }
            if (!Redactor.containsPlaceholder(in)) {
                assertThat(r.restore(out)).as(in).isEqualTo(in);
                assertThat(r.restore(file)).as(in).isEqualTo(in);
            }
        }
    }
}
