package dev.engine.redact;

import static dev.engine.redact.Secrets.assertGone;
import static dev.engine.redact.Secrets.random;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldRedactionTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void kubeconfig_keys_and_tokens_go_public_certificates_stay() {
        String caData = b64("-----BEGIN CERTIFICATE-----\n" + random(64) + "\n-----END CERTIFICATE-----\n");
        String certData = b64("-----BEGIN CERTIFICATE-----\n" + random(64) + "\n-----END CERTIFICATE-----\n");
        String keyData = b64("-----BEGIN EC PRIVATE KEY-----\n" + random(64) + "\n-----END EC PRIVATE KEY-----\n");
        String token = random(40);
        String password = "s3cr3t-Pa55!";
        String idToken = random(30);
        String refresh = random(30);
        String access = random(30);
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    certificate-authority-data: %s
                    server: https://10.0.0.10:6443
                  name: homelab
                users:
                - name: admin@homelab
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                - name: sa
                  user:
                    token: %s
                - name: basic
                  user:
                    username: admin
                    password: "%s"
                - name: oidc
                  user:
                    auth-provider:
                      name: oidc
                      config:
                        client-id: kubernetes
                        id-token: %s
                        refresh-token: %s
                        access-token: '%s'
                        expiry-key: '{.credential.token_expiry}'
                current-context: admin@homelab
                """.formatted(caData, certData, keyData, token, password, idToken, refresh, access);

        for (String out : new String[] {redactor().redact(kubeconfig), redactor().redactFile("kubeconfig", kubeconfig)}) {
            assertThat(out).doesNotContain(keyData);
            assertGone(out, keyData.substring(48, keyData.length() - 48));
            assertGone(out, token);
            assertThat(out).doesNotContain(password);
            assertGone(out, idToken);
            assertGone(out, refresh);
            assertGone(out, access);
            assertThat(out).contains("certificate-authority-data: " + caData)
                    .contains("client-certificate-data: " + certData)
                    .contains("server: https://10.0.0.10:6443")
                    .contains("username: admin\n")
                    .contains("client-id: kubernetes\n")
                    .contains("expiry-key: '{.credential.token_expiry}'")
                    .contains("client-key-data: [REDACTED:")
                    .contains("password: \"[REDACTED:secret:")
                    .contains("access-token: '[REDACTED:secret:");
            assertThat(out.lines().count()).isEqualTo(kubeconfig.lines().count());
        }
    }

    @Test
    void talosconfig_client_key_goes_ca_and_crt_stay() {
        String ca = b64("-----BEGIN CERTIFICATE-----\n" + random(64) + "\n-----END CERTIFICATE-----\n");
        String crt = b64("-----BEGIN CERTIFICATE-----\n" + random(64) + "\n-----END CERTIFICATE-----\n");
        String key = b64("-----BEGIN ED25519 PRIVATE KEY-----\n" + random(64) + "\n-----END ED25519 PRIVATE KEY-----\n");
        String talosconfig = """
                context: homelab
                contexts:
                  homelab:
                    endpoints:
                      - 10.0.0.11
                    nodes:
                      - 10.0.0.11
                    ca: %s
                    crt: %s
                    key: %s
                """.formatted(ca, crt, key);
        for (String out : new String[] {redactor().redact(talosconfig), redactor().redactFile("talosconfig", talosconfig)}) {
            assertThat(out).doesNotContain(key);
            assertGone(out, key.substring(56, key.length() - 56));
            assertThat(out).contains("ca: " + ca + "\n").contains("crt: " + crt + "\n").contains("      - 10.0.0.11\n")
                    .contains("key: [REDACTED:private-key:");
        }
    }

    @Test
    void talos_machine_config_secrets_go() {
        String machineToken = "wlzjyw." + Secrets.lowerAlnum(16);
        String machineCaKey = random(88);
        String clusterToken = "a1b2c3." + Secrets.lowerAlnum(16);
        String clusterSecret = random(44);
        String aescbc = random(44);
        String secretbox = random(44);
        String clusterCaKey = random(88);
        String aggregatorKey = random(88);
        String saKey = random(88);
        String etcdKey = random(88);
        String shortKey = "tiny";
        String config = """
                version: v1alpha1
                debug: false
                machine:
                  type: controlplane
                  token: %s
                  ca:
                    crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ
                    key: %s
                  certSANs:
                    - 10.0.0.10
                cluster:
                  id: 8kbgk0sG1pR3A7lJk2rD1b4Qx5mFz9hVnY6oW3eTc0U=
                  secret: %s
                  controlPlane:
                    endpoint: https://10.0.0.10:6443
                  token: %s
                  secretboxEncryptionSecret: %s
                  aescbcEncryptionSecret: %s
                  ca:
                    crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ
                    key: %s
                  aggregatorCA:
                    crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ
                    key: %s
                  serviceAccount:
                    key: %s
                  etcd:
                    ca:
                      crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ
                      key: %s
                  other:
                    key: %s
                """.formatted(machineToken, machineCaKey, clusterSecret, clusterToken, secretbox, aescbc, clusterCaKey,
                aggregatorKey, saKey, etcdKey, shortKey);
        String out = redactor().redactFile("clusterconfig/homelab-controlplane.yaml", config);
        for (String s : new String[] {machineToken, machineCaKey, clusterToken, clusterSecret, aescbc, secretbox, clusterCaKey,
            aggregatorKey, saKey, etcdKey}) {
            assertGone(out, s);
        }
        assertThat(out).doesNotContain("key: tiny").as("with the file hint, every key: is a private key");
        assertThat(out).contains("crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ\n")
                .contains("endpoint: https://10.0.0.10:6443").contains("type: controlplane").contains("debug: false")
                .contains("    - 10.0.0.10\n");

        String unhinted = redactor().redact(config);
        for (String s : new String[] {machineToken, machineCaKey, clusterToken, clusterSecret, aescbc, secretbox, clusterCaKey,
            aggregatorKey, saKey, etcdKey}) {
            assertGone(unhinted, s);
        }
    }

    @Test
    void talos_secrets_bundle_in_one_word_spelling() {
        String boot = Secrets.lowerAlnum(6) + "." + Secrets.lowerAlnum(16);
        String box = random(44);
        String trustd = random(10) + "." + random(16);
        String text = """
                cluster:
                  id: abc
                  secret: %s
                secrets:
                  bootstraptoken: %s
                  secretboxencryptionsecret: %s
                trustdinfo:
                  token: %s
                """.formatted(random(44), boot, box, trustd);
        String out = redactor().redactFile("secrets.yaml", text);
        assertGone(out, boot);
        assertGone(out, box);
        assertThat(out).doesNotContain(trustd);
        assertThat(out).contains("  id: abc\n").contains("trustdinfo:\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DB_PASSWORD=%s",
        "export GITHUB_TOKEN=%s",
        "password: %s",
        "password: \"%s\"",
        "password: '%s'",
        "  - password: %s  # rotated monthly",
        "\"clientSecret\": \"%s\",",
        "{\"api_key\":\"%s\",\"user\":\"bob\"}",
        "--password=%s --user bob",
        "kubectl create secret generic x --from-literal=password=%s -n apps",
        "run.sh --token %s --verbose",
        "run.sh --client-secret \"%s\" --verbose",
        "curl -H 'Authorization: Bearer %s' https://api",
        "Authorization: Basic %s",
        "level=info msg=\"login\" token=%s user=bob",
        "time=\"x\" msg=\"{\\\"password\\\":\\\"%s\\\"}\"",
        "X-Api-Key: %s",
        "AWS_SECRET_ACCESS_KEY=%s",
        "aws_secret_access_key = %s",
        "apikey=%s&format=json",
        "https://user:%s@git.example.com/repo.git",
        "postgres://app:%s@db:5432/app",
        "privateKey: %s",
        "access_key: %s",
        "DB_PASS=%s",
        "{password: %s, user: bob}",
        "Password:%s}",
    })
    void field_forms(String template) {
        String secret = "Zq8" + random(17);
        String line = "before ✓ " + template.formatted(secret) + " after ✓";
        String out = redactor().redact(line);
        assertGone(out, secret);
        String keptPrefix = template.substring(0, template.indexOf("%s"));
        assertThat(out).startsWith("before ✓ " + keptPrefix + "[REDACTED:").endsWith(" after ✓");
    }

    @Test
    void yaml_block_scalars_go_line_by_line() {
        String l1 = random(30);
        String l2 = random(30);
        String text = "apiVersion: v1\nstuff:\n  password: |\n    " + l1 + "\n\n    " + l2 + "\n  user: bob\nnext: 1\n";
        String out = redactor().redact(text);
        assertGone(out, l1);
        assertGone(out, l2);
        assertThat(out).contains("  password: |\n    [REDACTED:secret:").contains("\n  user: bob\nnext: 1\n");
        assertThat(out.lines().count()).isEqualTo(text.lines().count());

        String crlf = redactor().redact(text.replace("\n", "\r\n"));
        assertGone(crlf, l1);
        assertGone(crlf, l2);
        assertThat(crlf).contains("\r\n  user: bob\r\nnext: 1\r\n");
    }

    @Test
    void kubernetes_secret_data_and_string_data_go_configmap_data_stays() {
        String u = b64("admin");
        String p = b64(random(20));
        String conf = random(24);
        String text = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                  namespace: apps
                type: Opaque
                data:
                  username: %s
                  db-url: %s
                stringData:
                  config.yaml: |
                    listen: 0.0.0.0
                    apiKey: %s
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                data:
                  LOG_LEVEL: debug
                """.formatted(u, p, conf);
        String out = redactor().redact(text);
        assertGone(out, p);
        assertThat(out).doesNotContain("username: " + u);
        assertGone(out, conf);
        assertThat(out).contains("  name: db\n").contains("  namespace: apps\n").contains("type: Opaque\n")
                .contains("  LOG_LEVEL: debug\n").contains("  name: settings\n");
    }

    @Test
    void kubectl_get_secret_as_json_and_as_a_yaml_list() {
        String v1 = b64(random(20));
        String v2 = b64(random(20));
        String json = """
                {
                    "apiVersion": "v1",
                    "data": {
                        "db-url": "%s",
                        "username": "YWRtaW4="
                    },
                    "kind": "Secret",
                    "metadata": {
                        "name": "db",
                        "namespace": "apps"
                    },
                    "type": "Opaque"
                }
                """.formatted(v1);
        String out = redactor().redact(json);
        assertGone(out, v1);
        assertThat(out).doesNotContain("YWRtaW4=").contains("\"name\": \"db\",").contains("\"type\": \"Opaque\"");

        String list = """
                apiVersion: v1
                items:
                - apiVersion: v1
                  data:
                    webhook: %s
                  kind: Secret
                  metadata:
                    name: hooks
                kind: List
                """.formatted(v2);
        String out2 = redactor().redact(list);
        assertGone(out2, v2);
        assertThat(out2).contains("    name: hooks\n").contains("kind: List\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "c->password = g_strdup(value);",
        "token = tokens[ i ];",
        "secret = secret_item_get_secret(item);",
        "out.println(\"OPENAI_API_KEY: \" + (key == null ? \"unset\" : \"set\"));",
        "    password: null,",
        "%sudo ALL=(root) NOPASSWD: /bin/systemctl restart apt-cacher-ng.service",
        "ctx->key = EC_KEY_new_by_curve_name (NID_secp384r1);",
        "api_key = settings.api_key",
        "private_key = $dir/private/cakey.pem",
        "status_pass = pass;",
        "log_debug(\"FOUND: $git_token=$entry->{$git_token}\");",
        "local password=\"${1:-}\"",
        "TOKEN=$(kubectl -n flux-system get secret x -o jsonpath='{.data.token}' | base64 -d)",
    })
    void source_code_that_handles_secrets_stays(String line) {
        String text = "before\n" + line + "\nafter\n";
        assertThat(redactor().redact(text)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "const apiKey = \"%s\";",
        "    self.token = '%s'",
        "password = \"%s\"",
        "client.login(user=\"bob\", password=\"%s\")",
    })
    void secrets_written_into_source_code_go(String template) {
        String secret = "Q7" + random(18);
        String out = redactor().redact("x\n" + template.formatted(secret) + "\ny\n");
        assertGone(out, secret);
        assertThat(out).startsWith("x\n" + template.substring(0, template.indexOf("%s")) + "[REDACTED:").endsWith("\ny\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "password: ",
        "password: \"\"",
        "password: null",
        "password: ~",
        "token: true",
        "enabled: false",
        "password: ${DB_PASSWORD}",
        "password: $DB_PASSWORD",
        "password: {{ .Values.password }}",
        "token: <your-token-here>",
        "token: '********'",
        "token: [REDACTED:token:0a1b2c3d]",
        "keys:",
        "keys: [a, b]",
        "keyboard: us",
        "monkey: george-the-curious-monkey",
        "turnkey: solution-provider-number1",
        "secretRef: db-credentials",
        "secretName: db-credentials-secret-v2",
        "tokenFile: /var/run/secrets/token",
        "passwordFile: /etc/app/password.txt",
        "existingSecret: postgres-auth-v1",
        "secretKeyRef:",
        "max_tokens: 4096",
        "maxTokens: 4096",
        "prompt_tokens: 1234",
        "key: app.kubernetes.io/name",
        "- key: node-role.kubernetes.io/control-plane",
        "topologyKey: kubernetes.io/hostname",
        "key: password",
        "publicKey: AAAAC3NzaC1lZDI1NTE5AAAAIHk1vVJ3",
        "client-key: /etc/kubernetes/pki/apiserver-kubelet-client.key",
        "password: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]",
        "error: invalid token: context deadline exceeded",
        "expects a Bearer token in the header",
        "uses basic authentication for the registry",
        "see https://example.com/docs:8080/path",
        "PWD=/home/op/homelab",
        "token_ttl: 24h",
        "tokenizer: cl100k_base",
    })
    void values_that_are_not_secrets_stay(String line) {
        Redactor r = redactor();
        String text = "line before\n" + line + "\nline after\n";
        assertThat(r.redact(text)).isEqualTo(text);
        assertThat(r.secretsSeen()).isZero();
    }

    @Test
    void even_one_character_values_of_secret_fields_go() {
        String out = redactor().redact("password: x\n--password=y --token z\n{\"secret\": \"w\"}\n");
        assertThat(out).matches("password: \\[REDACTED:secret:\\w{12}]\n--password=\\[REDACTED:secret:\\w{12}] --token \\[REDACTED:secret:\\w{12}]\n"
                + "\\{\"secret\": \"\\[REDACTED:secret:\\w{12}]\"}\n");
    }

    @Test
    void already_redacted_text_is_left_as_it_is() {
        Redactor r = redactor();
        String once = r.redact("password: hunter2hunter2\ntoken=" + random(30) + "\n" + "sk-proj-" + random(40) + "\n");
        assertThat(r.redact(once)).isEqualTo(once);
        assertThat(redactor().redact(once)).isEqualTo(once);
    }
}
