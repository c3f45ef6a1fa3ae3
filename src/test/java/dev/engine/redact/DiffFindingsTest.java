package dev.engine.redact;

import static dev.engine.redact.Secrets.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Item 8: a diff that would add a known secret or a token is detectable, and the finding shows placeholders only. */
class DiffFindingsTest {
    @TempDir
    Path ws;

    private Redactor withWorkspaceSecret(String name, String value) throws Exception {
        Files.writeString(ws.resolve(".env"), name + "=" + value + "\n");
        return Redactor.create(Secrets.KEY, KnownSecrets.collect(ws, Map.of()));
    }

    @Test
    void a_known_value_on_a_plus_line_is_found_with_its_line_and_source() throws Exception {
        String cf = "Cf" + random(38);
        Redactor r = withWorkspaceSecret("CF_API_TOKEN", cf);
        String diff = """
                diff --git a/apps/external-dns.yaml b/apps/external-dns.yaml
                --- a/apps/external-dns.yaml
                +++ b/apps/external-dns.yaml
                @@ -18,5 +18,6 @@ spec:
                       env:
                -        - name: CF_API_TOKEN
                -          valueFrom: {secretKeyRef: {name: cf, key: token}}
                +        - name: CF_API_TOKEN
                +          value: %s
                +        - name: CF_API_EMAIL
                         domainFilters:
                """.formatted(cf);
        List<Finding> f = r.secretsInAddedLines(diff);
        assertThat(f).hasSize(1);
        Finding x = f.get(0);
        assertThat(x.path()).isEqualTo("apps/external-dns.yaml");
        assertThat(x.line()).isEqualTo(20);
        assertThat(x.kind()).isEqualTo("known value");
        assertThat(x.reason()).contains(".env:1");
        assertThat(x.placeholder()).matches("\\[REDACTED:secret:[0-9a-f]{12}]");
        assertThat(x.excerpt()).isEqualTo("          value: " + x.placeholder());
        assertThat(x.toString() + x.describe()).doesNotContain(cf);
    }

    @Test
    void token_formats_keys_and_file_names_count_deletions_context_and_names_do_not() {
        String gh = "ghp_" + random(36);
        String old = "ghp_" + random(36);
        String ctx = "ghp_" + random(36);
        String inName = "glpat-" + random(20);
        Redactor r = Redactor.create(Secrets.KEY, Map.of());
        String diff = """
                --- a/ci/deploy.sh
                +++ b/ci/deploy.sh
                @@ -1,3 +1,4 @@
                 #!/bin/sh
                -export GH_TOKEN=%s
                +export GH_TOKEN=%s
                +password: example-password-1
                 echo %s
                --- /dev/null
                +++ b/secrets/token_%s.txt
                @@ -0,0 +1 @@
                +see the file name
                """.formatted(old, gh, ctx, inName);
        List<Finding> f = r.secretsInAddedLines(diff);
        assertThat(f).extracting(Finding::path, Finding::line)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ci/deploy.sh", 2),
                        org.assertj.core.groups.Tuple.tuple(f.get(1).path(), 0));
        assertThat(f.get(0).kind()).isEqualTo("github-token");
        assertThat(f.get(1).path()).startsWith("secrets/token_[REDACTED:gitlab-token:").endsWith(".txt");
        assertThat(f.toString()).doesNotContain(gh).doesNotContain(old).doesNotContain(ctx).doesNotContain(inName);
    }

    @Test
    void a_private_key_added_in_a_new_file_is_found_once_per_line_block() {
        String body = random(64);
        String diff = "--- /dev/null\n+++ b/keys/id.pem\n@@ -0,0 +1,3 @@\n+-----BEGIN OPENSSH PRIVATE KEY-----\n+" + body
                + "\n+-----END OPENSSH PRIVATE KEY-----\n";
        List<Finding> f = Redactor.create(Secrets.KEY, Map.of()).secretsInAddedLines(diff);
        assertThat(f).hasSize(1);
        assertThat(f.get(0).line()).isEqualTo(1);
        assertThat(f.get(0).kind()).isEqualTo("private-key");
        assertThat(f.toString()).doesNotContain(body);
    }

    @Test
    void a_clean_diff_has_no_findings() {
        String diff = """
                --- a/cluster/talos/worker.yaml
                +++ b/cluster/talos/worker.yaml
                @@ -10,3 +10,3 @@ machine:
                   install:
                -    image: ghcr.io/siderolabs/installer:v1.8.2
                +    image: ghcr.io/siderolabs/installer:v1.8.3
                     wipe: false
                """;
        assertThat(Redactor.create(Secrets.KEY, Map.of()).secretsInAddedLines(diff)).isEmpty();
        assertThat(Redactor.create(Secrets.KEY, Map.of()).secretsInAddedLines(null)).isEmpty();
    }
}
