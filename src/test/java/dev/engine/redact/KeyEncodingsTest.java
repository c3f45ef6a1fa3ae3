package dev.engine.redact;

import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Layer 4, keys: PEM and PKCS#8 in any wrapping, and DER bodies without armour; certificates stay. */
class KeyEncodingsTest {

    private static byte[] ecPkcs8() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair().getPrivate().getEncoded();
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static String wrap(String s, int w, String indent) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i += w) {
            sb.append(i == 0 ? "" : "\n" + indent).append(s, i, Math.min(s.length(), i + w));
        }
        return sb.toString();
    }

    @Test
    void base64_pem_wrapped_at_40_columns_in_a_yaml_block() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(pem(ecPkcs8()).getBytes(StandardCharsets.US_ASCII));
        String text = "data:\n  origin.key.b64: |\n    " + wrap(b64, 40, "    ") + "\nnext: 1\n";
        String out = redactor().redact(text);
        for (String line : wrap(b64, 40, "").split("\n")) {
            assertThat(out).doesNotContain(line);
        }
        assertThat(out).endsWith("\nnext: 1\n");
        assertThat(out.lines().count()).isEqualTo(text.lines().count());
    }

    @Test
    void raw_pkcs8_der_in_base64_on_one_line_and_wrapped() throws Exception {
        String der = Base64.getEncoder().encodeToString(ecPkcs8());
        String out = redactor().redact("$ openssl pkcs8 -topk8 -nocrypt -outform DER | base64 -w0\n" + der + "\n$ done\n");
        assertThat(out).doesNotContain(der.substring(0, 30)).endsWith("\n$ done\n");
        String wrapped = wrap(der, 64, "");
        String out2 = redactor().redact("key body:\n" + wrapped + "\n");
        for (String line : wrapped.split("\n")) {
            assertThat(out2).doesNotContain(line);
        }
    }

    @Test
    void an_openssh_body_without_its_header_goes() {
        String body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW" + Secrets.random(60);
        assertThat(redactor().redact("copied: " + body + "\n")).doesNotContain(body.substring(20));
    }

    @Test
    void certificates_and_public_keys_in_der_base64_stay() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        String spki = Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
        String text = "publicKeyDer: " + spki + "\n";
        assertThat(redactor().redact(text)).isEqualTo(text);
        assertThat(PemScanner.der(Base64.getDecoder().decode(spki))).isEqualTo(PemScanner.Der.OTHER);
        assertThat(PemScanner.der(ecPkcs8())).isEqualTo(PemScanner.Der.PRIVATE_KEY);
    }
}
