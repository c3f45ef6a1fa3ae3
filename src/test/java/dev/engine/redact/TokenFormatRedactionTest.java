package dev.engine.redact;

import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.lowerAlnum;
import static dev.engine.redact.Secrets.random;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenFormatRedactionTest {

    private static String jwt() {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(("{\"sub\":\"system:serviceaccount:flux-system:" + random(8) + "\"}").getBytes(StandardCharsets.UTF_8))
                + "." + random(86).replace('1', '-');
    }

    /** AWS access key ids are base32 after the prefix: A-Z and 2-7. */
    static String base32(int n) {
        StringBuilder sb = new StringBuilder(n);
        java.util.Random rnd = new java.security.SecureRandom();
        for (int i = 0; i < n; i++) {
            sb.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(rnd.nextInt(32)));
        }
        return sb.toString();
    }

    static Stream<Arguments> tokens() {
        return Stream.of(
                Arguments.of("openai-key", "sk-" + random(48)),
                Arguments.of("openai-key", "sk-proj-" + random(60) + "_" + random(20)),
                Arguments.of("github-token", "ghp_" + random(36)),
                Arguments.of("github-token", "gho_" + random(36)),
                Arguments.of("github-token", "ghs_" + random(36)),
                Arguments.of("github-token", "github_pat_11" + random(20) + "_" + random(59)),
                Arguments.of("aws-key", "AKIA" + base32(16)),
                Arguments.of("aws-key", "ASIA" + base32(16)),
                Arguments.of("jwt", jwt()),
                Arguments.of("age-key", "AGE-SECRET-KEY-1" + random(58).toUpperCase()),
                Arguments.of("slack-token", "xoxb-" + random(11) + "-" + random(13) + "-" + random(24)),
                Arguments.of("slack-token", "xoxp-" + random(40)),
                Arguments.of("bootstrap-token", lowerAlnum(6) + "." + lowerAlnum(16)),
                Arguments.of("gitlab-token", "glpat-" + random(20)),
                Arguments.of("tailscale-key", "tskey-auth-" + random(30)));
    }

    @ParameterizedTest
    @MethodSource("tokens")
    void known_formats_go_anywhere_in_log_text(String kind, String token) {
        String log = "2025-11-02T10:00:00Z INFO stage talos: using «" + token + "» for the request (attempt 2)\n"
                + "[" + token + "]\n" + "url=https://api.example/v1?x=" + token + "&y=2\n" + token;
        String out = redactor().redact(log);
        assertGone(out, token);
        assertThat(out).startsWith("2025-11-02T10:00:00Z INFO stage talos: using «[REDACTED:" + kind + ":")
                .contains("» for the request (attempt 2)\n[[REDACTED:" + kind + ":")
                .contains("url=https://api.example/v1?x=[REDACTED:" + kind + ":")
                .contains("&y=2\n");
        String placeholder = out.substring(out.indexOf("[REDACTED:"), out.indexOf(']', out.indexOf("[REDACTED:")) + 1);
        assertThat(out.split(java.util.regex.Pattern.quote(placeholder), -1)).as("same secret, same placeholder").hasSize(5);
    }

    @Test
    void aws_access_key_id_and_secret_in_a_credentials_file() {
        String id = "AKIA" + base32(16);
        String secret = random(40).replace('a', '/');
        String out = redactor().redactFile(".aws/credentials",
                "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + secret + "\nregion = eu-west-1\n");
        assertGone(out, id);
        assertGone(out, secret);
        assertThat(out).startsWith("[default]\naws_access_key_id = [REDACTED:aws-key:").endsWith("\nregion = eu-west-1\n");
    }

    @Test
    void bearer_tokens_in_headers_and_curl_output() {
        String opaque = random(32);
        String out = redactor().redact("> GET /api HTTP/1.1\n> authorization: bearer " + opaque + "\n< HTTP/1.1 401 Unauthorized\n");
        assertGone(out, opaque);
        assertThat(out).contains("> authorization: bearer [REDACTED:secret:").contains("< HTTP/1.1 401 Unauthorized");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "the disk-controller-frontend-service-name is fine",
        "task-runner-backend-worker-processes",
        "coredns-5d78c9869d-abcde.kube-system",
        "image: ghcr.io/siderolabs/installer:v1.7.5",
        "sha256:3f17f5316e2bac893f17f5316e2bac893f17f5316e2bac893f17f5316e2bac89",
        "commit 0123456789abcdef0123456789abcdef01234567",
        "uid: 4b9a2c1e-8f3d-4e5a-9b7c-1d2e3f4a5b6c",
        "node talos-cp-1.lan is Ready",
        "values.yaml and kustomization.yaml",
        "master.controlplaneabcd ok",
        "AKIA is a prefix",
        "ghp_short",
        "eyJhbGciOiJIUzI1NiJ9 alone is only a header",
    })
    void look_alikes_stay(String line) {
        assertThat(redactor().redact(line)).isEqualTo(line);
    }
}
