package dev.engine.redact;

import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.random;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layer 2: YAML and JSON by path, in every style; line rules where parsing fails. */
class StructuredRedactionTest {

    @Test
    void container_env_pairs_block_flow_and_kubectl_output() {
        String a = "Ev1" + random(17);
        String b = "Ev2" + random(17);
        String c = "Ev3" + random(17);
        String text = """
                spec:
                  containers:
                    - name: app
                      env:
                        - name: DB_PASSWORD
                          value: %s
                        - {name: SMTP_PASS, value: "%s"}
                        - value: '%s'
                          name: GITHUB_TOKEN
                        - name: LOG_LEVEL
                          value: debug
                        - name: REDIS_PASSWORD
                          valueFrom: {secretKeyRef: {name: redis, key: password}}
                """.formatted(a, b, c);
        String out = redactor().redact(text);
        assertGone(out, a);
        assertGone(out, b);
        assertGone(out, c);
        assertThat(out).contains("value: debug").contains("secretKeyRef: {name: redis, key: password}")
                .contains("- {name: SMTP_PASS, value: \"[REDACTED:");
    }

    @Test
    void json6902_and_talos_patch_ops_on_secret_paths() {
        String token = "a1b2c3." + Secrets.lowerAlnum(16);
        String pw = "Jp1" + random(17);
        String env = "Jp2" + random(17);
        String text = """
                - op: add
                  path: /machine/token
                  value: %s
                - op: replace
                  path: /machine/registries/config/ghcr.io/auth/password
                  value: "%s"
                - op: replace
                  path: /spec/template/spec/containers/0/env/3/value
                  value: %s
                - op: add
                  path: /machine/network/hostname
                  value: talos-cp-1
                """.formatted(token, pw, env);
        String out = redactor().redact(text);
        assertGone(out, token);
        assertGone(out, pw);
        assertGone(out, env);
        assertThat(out).contains("value: talos-cp-1");
        String json = "[{\"op\":\"add\",\"path\":\"/cluster/secretboxEncryptionSecret\",\"value\":\"" + pw + "\"}]";
        assertThat(redactor().redact(json)).doesNotContain(pw);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "apiVersion: v1\nkind: Secret # sealed later\nmetadata: {name: x}\nstringData:\n  anything: %s\n",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {anything: %s, other: plain}\n",
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"},\"stringData\":{\"anything\":\"%s\"}}\n",
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: x}\n  stringData:\n    anything: \"%s\"\nkind: List\n",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n---\nkind: Secret\napiVersion: v1\nstringData:\n  anything: |\n    %s\n",
    })
    void every_form_of_a_secret(String template) {
        String v = "Sf" + random(20);
        String out = redactor().redact(template.formatted(v));
        assertGone(out, v);
        assertThat(out).contains("[REDACTED:");
    }

    @Test
    void secret_keys_at_any_depth_and_talos_key_next_to_crt() {
        String pw = "Dp1" + random(17);
        String key = "short-key-9";
        String text = """
                a:
                  b:
                    c:
                      d:
                        adminPassword: %s
                        passwordKey: admin-password
                        existingSecret: grafana-admin
                machine:
                  ca:
                    crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ
                    key: %s
                """.formatted(pw, key);
        String out = redactor().redact(text);
        assertGone(out, pw);
        assertThat(out).doesNotContain(key).contains("passwordKey: admin-password").contains("existingSecret: grafana-admin")
                .contains("crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ");
    }

    @Test
    void args_lists_and_block_scalars_holding_manifests() {
        String tunnel = "Tt" + random(40);
        String inner = "In" + random(20);
        String text = """
                containers:
                  - name: cloudflared
                    args: ["tunnel", "run", "--token", "%s"]
                cluster:
                  inlineManifests:
                    - name: creds
                      contents: |-
                        apiVersion: v1
                        kind: Secret
                        metadata:
                          name: creds
                        stringData:
                          value: %s
                """.formatted(tunnel, inner);
        String out = redactor().redact(text);
        assertGone(out, tunnel);
        assertGone(out, inner);
        assertThat(out).contains("args: [\"tunnel\", \"run\", \"--token\", \"[REDACTED:");
    }

    @Test
    void sealed_secrets_and_sops_ciphertext_are_left_as_they_are() {
        String text = """
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata: {name: smtp}
                spec:
                  encryptedData:
                    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq7Q1cGDsFo1TIcfRO8jsA0CyQsMcYWFMz4b3D2ynHhZ51zZ8h
                ---
                apiVersion: v1
                kind: Secret
                stringData:
                  token: ENC[AES256_GCM,data:Z0c8z2nQ4uR9h1v3,iv:7qQj9Pz1aX5mK3cV8bN2lH6gF0dS4rE1tY7uI9oP3wA=,tag:mN2bV8cX4zL6kJ0hG9fD1s==,type:str]
                """;
        assertThat(redactor().redact(text)).isEqualTo(text);
    }

    @Test
    void unparsable_yaml_falls_back_to_line_rules_including_sibling_pairs() {
        String pw = "Fb1" + random(17);
        String token = "Fb2" + random(17);
        String text = """
                error: could not parse manifest:
                        - name: DB_PASSWORD
                          value: %s
                    args:
                      - --token
                      - %s
                  : broken
                """.formatted(pw, token);
        String out = redactor().redact(text);
        assertGone(out, pw);
        assertGone(out, token);
    }

    @Test
    void a_diff_is_read_as_the_new_and_the_old_text_so_pairs_split_over_plus_lines_go() {
        String pw = "Df1" + random(17);
        String old = "Df2" + random(17);
        String diff = """
                --- a/apps/values.yaml
                +++ b/apps/values.yaml
                @@ -3,4 +3,4 @@ main:
                   extraEnv:
                     - name: N8N_ENCRYPTION_KEY
                -      value: %s
                +      value: %s
                     - name: WEBHOOK_URL
                       value: https://n8n.funoffshore.lan/
                """.formatted(old, pw);
        String out = redactor().redact(diff);
        assertGone(out, pw);
        assertGone(out, old);
        assertThat(out).contains("-      value: [REDACTED:").contains("+      value: [REDACTED:")
                .contains("       value: https://n8n.funoffshore.lan/");
        assertThat(out.lines().count()).isEqualTo(diff.lines().count());
    }
}
