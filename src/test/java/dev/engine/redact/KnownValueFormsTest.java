package dev.engine.redact;

import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** Layer 1: a known value goes in every form it can take in a text nothing else would recognise. */
class KnownValueFormsTest {
    private static final String SECRET = "pl41n-w0rds/with+symbols&more";

    private static Redactor redactor() {
        return Redactor.create(Secrets.KEY, Map.of("NAS_PASSWORD", SECRET));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void raw_url_encoded_and_json_escaped() {
        String url = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        String text = "mount failed: " + SECRET + "\nGET /login?u=op&p=" + url + " 401\n{\"msg\":\"bad\",\"detail\":\"pw "
                + KnownValues.jsonEscape(SECRET) + " rejected\"}\n";
        Redactor r = redactor();
        String out = r.redact(text);
        assertThat(out).doesNotContain(SECRET).doesNotContain(url).doesNotContain("w0rds\\/with");
        assertThat(out).contains("GET /login?u=op&p=[REDACTED:secret-url:").contains("mount failed: [REDACTED:secret:");
        assertThat(r.restore(out)).isEqualTo(text);
    }

    @Test
    void base64_at_each_alignment_inside_a_longer_blob() {
        byte[] s = SECRET.getBytes(StandardCharsets.UTF_8);
        for (String prefix : new String[] {"", "u:", "us:", "use:", "user:"}) {
            byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[p.length + s.length + 3];
            System.arraycopy(p, 0, all, 0, p.length);
            System.arraycopy(s, 0, all, p.length, s.length);
            all[all.length - 3] = '!';
            all[all.length - 2] = 'x';
            all[all.length - 1] = '\n';
            String blob = b64(all);
            String out = redactor().redact("auth: " + blob + "\n");
            // every 12 characters of the blob that depend on the secret alone are gone
            int from = (p.length * 4 + 2) / 3 + 2;
            int to = (int) (((long) (p.length + s.length) * 8) / 6) - 1;
            for (int i = from; i + 12 <= to; i++) {
                assertThat(out).as("prefix '%s', blob piece at %d", prefix, i).doesNotContain(blob.substring(i, i + 12));
            }
            assertThat(out).contains("[REDACTED:secret-b64");
        }
    }

    @Test
    void wrapped_over_lines_with_indentation_and_crlf() {
        String token = "Wr4p" + random(56);
        Redactor r = Redactor.create(Secrets.KEY, Map.of("TUNNEL_TOKEN", token));
        String text = "value: " + token.substring(0, 30) + "\r\n    " + token.substring(30) + "\r\nnext: 1\r\n";
        String out = r.redact(text);
        assertGone(out, token.substring(0, 30));
        assertGone(out, token.substring(30));
        assertThat(out).startsWith("value: [REDACTED:").contains("\r\n    [REDACTED:").endsWith("]\r\nnext: 1\r\n");
        assertThat(r.restore(out)).isEqualTo(text);
    }

    @Test
    void an_encoding_names_the_raw_secret_so_the_model_sees_they_are_one_value() {
        Redactor r = redactor();
        String full = b64(SECRET.getBytes(StandardCharsets.UTF_8));
        String out = r.redact("raw " + SECRET + " and data: " + full + "\n");
        Matcher m = Redactor.PLACEHOLDER.matcher(out);
        assertThat(m.find()).isTrue();
        String rawHex = m.group(2);
        assertThat(m.group(1)).isEqualTo("secret");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("secret-b64");
        assertThat(m.group(2)).as("same HMAC, the raw secret's").isEqualTo(rawHex);
    }

    @Test
    void values_learned_in_one_text_go_in_the_next() {
        Redactor r = Redactor.create(Secrets.KEY, Map.of());
        String pw = "Lrn3d-" + random(14);
        r.redactFile("apps/values.yaml", "auth:\n  password: " + pw + "\n");
        assertThat(r.redact("psql: FATAL password " + pw + " rejected")).doesNotContain(pw);
    }
}
