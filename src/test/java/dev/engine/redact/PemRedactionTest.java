package dev.engine.redact;

import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PemRedactionTest {

    private static String pem(String label, String body) {
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----";
    }

    private static String realRsaBody() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
    }

    private static String fakeBody() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(Secrets.random(64)).append('\n');
        }
        return sb.append(Secrets.random(20)).append("==").toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "ED25519 PRIVATE KEY", "PGP PRIVATE KEY BLOCK"})
    void whole_private_key_blocks_go_and_the_text_around_stays(String label) {
        String body = fakeBody();
        String text = "before the key\n" + pem(label, body) + "\nafter the key: etcd is unhealthy\n";
        String out = redactor().redact(text);

        for (String line : body.split("\n")) {
            assertGone(out, line);
        }
        assertThat(out).doesNotContain("BEGIN " + label).contains("[REDACTED:private-key:")
                .startsWith("before the key\n").endsWith("\nafter the key: etcd is unhealthy\n");
        assertThat(out.lines().count()).as("line numbers are kept").isEqualTo(text.lines().count());
    }

    @Test
    void a_real_rsa_key_with_crlf_line_ends() throws Exception {
        String body = realRsaBody();
        String text = ("key follows\n" + pem("PRIVATE KEY", body) + "\ndone\n").replace("\n", "\r\n");
        String out = redactor().redact(text);
        for (String line : body.split("\n")) {
            assertGone(out, line);
        }
        assertThat(out).startsWith("key follows\r\n").endsWith("\r\ndone\r\n");
    }

    @Test
    void encrypted_pem_headers_and_body_go() {
        String body = fakeBody();
        String text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n"
                + body + "\n-----END RSA PRIVATE KEY-----\n";
        String out = redactor().redact(text);
        assertGone(out, "3F17F5316E2BAC89");
        for (String line : body.split("\n")) {
            assertGone(out, line);
        }
    }

    @Test
    void certificates_are_public_and_stay() {
        String cert = pem("CERTIFICATE", fakeBody());
        String key = pem("EC PRIVATE KEY", fakeBody());
        String out = redactor().redact(cert + "\n" + key + "\n" + cert + "\n");
        assertThat(out).startsWith(cert + "\n").endsWith("\n" + cert + "\n");
        assertThat(out).doesNotContain("EC PRIVATE KEY");
    }

    @Test
    void a_json_escaped_key_on_one_line_goes() {
        String body = Secrets.random(64) + "\\n" + Secrets.random(40);
        String json = "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + body
                + "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"bot@example.iam\"}";
        String out = redactor().redact(json);
        assertGone(out, body.substring(0, 64));
        assertGone(out, body.substring(66));
        assertThat(out).startsWith("{\"type\": \"service_account\", \"private_key\": \"")
                .endsWith("\", \"client_email\": \"bot@example.iam\"}");
    }

    @Test
    void a_key_cut_short_by_a_log_tail_still_goes_but_the_following_log_line_stays() {
        String l1 = Secrets.random(64);
        String l2 = Secrets.random(64);
        String text = "dumping\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + l1 + "\n" + l2
                + "\nError: talosctl apply-config failed (exit 1)\n";
        String out = redactor().redact(text);
        assertGone(out, l1);
        assertGone(out, l2);
        assertThat(out).startsWith("dumping\n").endsWith("\nError: talosctl apply-config failed (exit 1)\n");
    }

    @Test
    void a_base64_encoded_private_key_goes_and_a_base64_certificate_stays() {
        String keyPem = pem("RSA PRIVATE KEY", fakeBody()) + "\n";
        String certPem = pem("CERTIFICATE", fakeBody()) + "\n";
        String key64 = Base64.getEncoder().encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII));
        String cert64 = Base64.getEncoder().encodeToString(certPem.getBytes(StandardCharsets.US_ASCII));
        String out = redactor().redact("blob=" + key64 + "\ncrt=" + cert64 + "\n");
        assertThat(out).doesNotContain(key64);
        assertGone(out, key64.substring(56, key64.length() - 56));
        assertThat(out).contains("crt=" + cert64 + "\n");
    }

    @Test
    void a_base64_encoded_key_wrapped_at_76_columns_goes_entirely() {
        String keyPem = pem("PRIVATE KEY", fakeBody()) + "\n";
        String wrapped = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keyPem.getBytes(StandardCharsets.US_ASCII));
        String text = "$ base64 key.pem\r\n" + wrapped + "\r\n$ echo done\r\ndone\r\n";
        String out = redactor().redact(text);
        for (String line : wrapped.split("\r\n")) {
            assertThat(out).doesNotContain(line);
        }
        assertThat(out).startsWith("$ base64 key.pem\r\n[REDACTED:private-key:").endsWith("]\r\n$ echo done\r\ndone\r\n");
        assertThat(out.split("\r\n", -1)).hasSameSizeAs(text.split("\r\n", -1));
    }

    @Test
    void two_keys_and_a_certificate_between_them() {
        String a = fakeBody();
        String b = fakeBody();
        String cert = pem("CERTIFICATE", fakeBody());
        String out = redactor().redact(pem("PRIVATE KEY", a) + "\n" + cert + "\n" + pem("PRIVATE KEY", b));
        assertGone(out, a.substring(0, 64));
        assertGone(out, b.substring(0, 64));
        assertThat(out).contains(cert);
    }
}
