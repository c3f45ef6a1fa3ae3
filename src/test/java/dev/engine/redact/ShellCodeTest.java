package dev.engine.redact;

import static dev.engine.redact.Secrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layer 6: shell code is never mangled, and a placeholder never takes a quote or delimiter. */
class ShellCodeTest {
    private static final Map<String, String> ENV = Map.of("CF_API_TOKEN", "Cf" + random(38), "SSH_PASS", "Ss" + random(18),
            "TOKEN", "Tk" + random(30));

    @ParameterizedTest
    @ValueSource(strings = {
        "echo \"using Cloudflare token ${CF_API_TOKEN:0:4}**** for DNS\"",
        "echo \"SSH: ${SSH_USER:-root}@${PROXMOX_HOST} ${SSH_PASS:+*****}\"",
        "SSH_OPTS=\"-o StrictHostKeyChecking=accept-new${SSH_PASS:+ -o PreferredAuthentications=password}\"",
        ": \"${CF_API_TOKEN:?set CF_API_TOKEN in config/env/prox-n100.env}\"",
        "echo \"len ${#TOKEN} masked ${TOKEN//?/*} tail ${TOKEN: -4} lower ${TOKEN,,} base ${TOKEN##*/}\"",
        "password: ${DB_PASSWORD}",
        "TOKEN=\"$(cat /run/secrets/token)\"",
        "export GITHUB_TOKEN=$GH_TOKEN",
        "token: {{ .Values.token | b64enc }}",
        "api_key = settings.api_key",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.lan",
        "local password=\"${1:-}\"",
        "echo \"${DB_PASSWORD:-changeme}\"",
    })
    void shell_expansions_and_references_are_code(String line) {
        Redactor r = Redactor.create(Secrets.KEY, ENV);
        assertThat(r.redact(line + "\n")).isEqualTo(line + "\n");
    }

    @Test
    void a_default_written_into_an_expansion_is_a_secret_and_a_token_format_goes_anywhere() {
        String pw = "Hunt3r-" + random(10);
        String gh = "ghp_" + random(36);
        String out = Secrets.redactor().redact("echo ${DB_PASSWORD:-" + pw + "} ${GH:-" + gh + "} ${TOKEN:0:4}\n");
        assertThat(out).doesNotContain(pw).doesNotContain(gh).startsWith("echo ${DB_PASSWORD:-[REDACTED:")
                .contains("${GH:-[REDACTED:github-token:").endsWith("} ${TOKEN:0:4}\n");
    }

    @Test
    void one_secret_one_placeholder_quoted_or_not_and_no_quote_swallowed() {
        String tunnel = "eyJhIjoi" + random(120);
        Redactor r = Redactor.create(Secrets.KEY, Map.of());
        String out = r.redact("CLOUDFLARE_TUNNEL_TOKEN=\"" + tunnel + "\"\n"
                + "args: [\"--token\", \"" + tunnel + "\"]\n"
                + "cloudflared tunnel run --token '" + tunnel + "'\n"
                + "cloudflared tunnel run --token " + tunnel + "\n");
        String ph = out.substring(out.indexOf("[REDACTED:"), out.indexOf(']', out.indexOf("[REDACTED:")) + 1);
        assertThat(ph).startsWith("[REDACTED:cloudflare-tunnel-token:");
        assertThat(out).isEqualTo("CLOUDFLARE_TUNNEL_TOKEN=\"" + ph + "\"\n" + "args: [\"--token\", \"" + ph + "\"]\n"
                + "cloudflared tunnel run --token '" + ph + "'\n" + "cloudflared tunnel run --token " + ph + "\n");
    }
}
