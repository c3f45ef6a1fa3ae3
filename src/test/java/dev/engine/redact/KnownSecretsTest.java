package dev.engine.redact;

import static dev.engine.redact.Secrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownSecretsTest {
    @TempDir
    Path ws;

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String rel, String content) throws Exception {
        Path f = ws.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    private static List<String> values(KnownSecrets k) {
        return k.values().stream().map(KnownSecrets.Known::value).toList();
    }

    @Test
    void the_workspace_files_give_their_secrets_and_the_public_parts_stay_out() throws Exception {
        String dbPw = "Hx7" + random(17);
        String cfToken = random(40);
        String dataPw = "Dz4" + random(13);
        String dockerPw = "Qq9" + random(12);
        String bootstrap = "a1b2c3." + Secrets.lowerAlnum(16);
        write(".env", "TALOS_VERSION=v1.8.3\nDB_PASSWORD=" + dbPw + "\nexport CF_API_TOKEN=\"" + cfToken + "\"\n");
        write("cluster/apps/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: " + b64(dataPw) + "\n");
        write(".docker/config.json", "{\n\t\"auths\": {\n\t\t\"ghcr.io\": {\n\t\t\t\"auth\": \"" + b64("bot:" + dockerPw) + "\"\n\t\t}\n\t}\n}\n");
        write("talos/secrets.yaml", "secrets:\n    bootstraptoken: " + bootstrap + "\ncerts:\n    os:\n        crt: "
                + b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n") + "\n");
        KnownSecrets k = KnownSecrets.collect(ws, Map.of());
        assertThat(values(k)).contains(dbPw, cfToken, dataPw, dockerPw, bootstrap)
                .as("decoded Secret data and docker's user:password give the password itself").contains(dataPw, dockerPw)
                .noneMatch(v -> v.contains("v1.8.3")).noneMatch(v -> v.startsWith("LS0tLS1CRUdJTiBDRVJU"));
        assertThat(k.sources()).anyMatch(s -> s.startsWith(".env:2"));
        assertThat(k.toString()).doesNotContain(dbPw).contains(k.size() + " values");
        assertThat(k.values().get(0).toString()).doesNotContain(k.values().get(0).value());
    }

    @Test
    void plaintext_under_a_sops_rule_is_secret_but_a_rule_for_every_file_needs_sops_metadata() throws Exception {
        String inClear = "Sc1" + random(17);
        String configValue = "Funoffshore-homelab-v2";
        write(".sops.yaml", "creation_rules:\n  - path_regex: secrets/.*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n");
        write("secrets/app.sops.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  SETTING: " + inClear + "\n");
        write("apps/values.yaml", "data:\n  title: " + configValue + "\n");
        assertThat(values(KnownSecrets.collect(ws, Map.of()))).contains(inClear).doesNotContain(configValue);

        Path broad = ws.resolve("broad");
        Files.createDirectories(broad);
        Files.writeString(broad.resolve(".sops.yaml"), "creation_rules:\n  - path_regex: .*\n");
        Files.writeString(broad.resolve("values.yaml"), "image: ghcr.io/org/app:v1.2.3\nreplicas: 2\n");
        assertThat(values(KnownSecrets.collect(broad, Map.of()))).as("a rule for every file would blank the whole repo")
                .doesNotContain("ghcr.io/org/app:v1.2.3");
    }

    @Test
    void environment_names_the_earlier_run_missed_and_random_values_of_any_name() {
        String pat = "github_pat_11" + random(20) + "_" + random(59);
        String slack = "T0123ABCD/B0456EFGH/" + random(24);
        String sentryKey = Secrets.lowerAlnum(32).replace('z', 'a');
        String blob = random(40);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GITHUB_PAT", pat);
        env.put("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/" + slack);
        env.put("OP_SESSION_my", "op" + random(30));
        env.put("DOCKER_CREDS", "bot:" + random(20));
        env.put("SENTRY_DSN", "https://" + sentryKey + "@o450761.ingest.sentry.io/450762");
        env.put("TUNNEL_BLOB", blob);
        env.put("HOME", "/home/op");
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("SOPS_AGE_KEY_FILE", "/home/op/.config/sops/age/keys.txt");
        env.put("EDITOR", "vim");
        List<String> v = values(KnownSecrets.fromEnvironment(env));
        assertThat(v).contains(pat, slack, env.get("OP_SESSION_my"), env.get("DOCKER_CREDS"), sentryKey, blob)
                .as("a URL's secret is its userinfo or token path, not the host").doesNotContain(env.get("SENTRY_DSN"), env.get("SLACK_WEBHOOK_URL"))
                .doesNotContain("/home/op", "vim", env.get("PATH"), env.get("SOPS_AGE_KEY_FILE"));
    }

    @Test
    void the_walk_skips_git_dependencies_runtime_folders_binaries_symlinks_and_large_files(@TempDir Path outside) throws Exception {
        String inGit = "Gt1" + random(17);
        String inNodeModules = "Nm1" + random(17);
        String inLogs = "Lg1" + random(17);
        String binary = "Bn1" + random(17);
        String linked = "Ln1" + random(17);
        String large = "Lr1" + random(17);
        write(".git/config", "[credential]\n  password = " + inGit + "\n");
        write("node_modules/x/.env", "API_TOKEN=" + inNodeModules + "\n");
        write("logs/talos/attempt1.log", "password=" + inLogs + "\n");
        Files.write(ws.resolve("blob.dat"), ("\0\0password=" + binary).getBytes(StandardCharsets.UTF_8));
        Path target = outside.resolve("secret.env");
        Files.writeString(target, "API_TOKEN=" + linked + "\n");
        Files.createSymbolicLink(ws.resolve("linked.env"), target);
        write("big.env", "API_TOKEN=" + large + "\n" + "# padding\n".repeat(60_000));
        KnownSecrets k = KnownSecrets.collect(ws, Map.of(), new KnownSecrets.Limits(1000, 100, 512 * 1024, 1 << 20, 1000));
        assertThat(values(k)).doesNotContain(inGit, inNodeModules, inLogs, binary, linked, large);
    }

    @Test
    void the_cost_is_capped_and_files_named_for_secrets_are_read_first() throws Exception {
        String token = "Tk1" + random(17);
        for (int i = 0; i < 30; i++) {
            write("apps/app" + i + "/config.yaml", "password: Pw" + i + random(14) + "\n");
        }
        write("zzz/.env", "API_TOKEN=" + token + "\n");
        KnownSecrets k = KnownSecrets.collect(ws, Map.of(), new KnownSecrets.Limits(1000, 5, 512 * 1024, 1 << 20, 1000));
        assertThat(k.stats().filesRead()).isEqualTo(5);
        assertThat(k.stats().truncated()).isTrue();
        assertThat(values(k)).contains(token);
        KnownSecrets few = KnownSecrets.collect(ws, Map.of(), new KnownSecrets.Limits(1000, 100, 512 * 1024, 1 << 20, 3));
        assertThat(few.size()).isEqualTo(3);
        assertThat(few.stats().truncated()).isTrue();
    }

    @Test
    void common_words_are_not_searched_everywhere_but_still_go_where_a_rule_sees_them() throws Exception {
        write(".env", "DB_PASSWORD=postgres\n");
        KnownSecrets k = KnownSecrets.collect(ws, Map.of());
        assertThat(values(k)).doesNotContain("postgres");
        Redactor r = Redactor.create(Secrets.KEY, k);
        assertThat(r.redactFile(".env", "DB_PASSWORD=postgres\n")).doesNotContain("=postgres");
        assertThat(r.redact("image: postgres:16.4-alpine\n")).isEqualTo("image: postgres:16.4-alpine\n");
    }
}
