package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules issue 12 added, attacked with the bypasses it found and a corpus of real names
 * (src/test/resources/patch/hostile-paths.tsv), checked against a committed git tree as the
 * landing does. Ordinary fixes must keep passing next to them.
 */
class PatchRulesTest {
    /** Written in the style of the sops and Flux docs: a rule per secrets folder, encrypted_regex, age recipients, a catch-all. */
    private static final String SOPS_ROOT = """
            creation_rules:
              - path_regex: clusters/.*/secrets/.*\\.ya?ml$
                encrypted_regex: ^(data|stringData)$
                age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
              - path_regex: \\.env\\.enc$
                age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
              - age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
            """;
    /** A folder's own .sops.yaml whose regex is anchored to paths relative to that folder. */
    private static final String SOPS_NESTED = """
            creation_rules:
              - path_regex: ^apps/.*-secret\\.yaml$
                pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4
            """;
    private static final String ENCRYPTED = """
            apiVersion: v1
            kind: Secret
            stringData:
                password: ENC[AES256_GCM,data:c2VjcmV0,iv:aXY=,tag:dGFn,type:str]
            sops:
                lastmodified: "2024-05-01T10:00:00Z"
                mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
                version: 3.8.1
            """;
    private static final Pattern U = Pattern.compile("\\\\u([0-9a-fA-F]{4})|\\\\U\\{([0-9a-fA-F]+)\\}");

    @TempDir
    Path dir;
    Repository repo;
    TreeView tree;
    final PatchPolicy policy = PatchPolicy.defaults(List.of("stages/wipe.sh"));

    @BeforeEach
    void workspace() throws Exception {
        write("context_map.yaml", "stages: {}\n");
        write("README.md", "# lab\n");
        write(".gitignore", "state/\n");
        write(".gitattributes", "*.sh text eol=lf\n");
        write("apps/web.yaml", "name: web\nreplicas: 1\n");
        write("apps/proxy.yaml", "name: proxy\n");
        write("apps/legacy.yaml", ENCRYPTED);
        write("stages/talos.sh", "#!/bin/sh\ntalosctl health\necho done\n");
        write("stages/s.sh", "#!/bin/sh\necho s\n");
        write("stages/wipe.sh", "#!/bin/sh\necho wipe\n");
        write("docs/caf\u00e9.md", "# caf\u00e9\nopen 8-17\n");
        write(".sops.yaml", SOPS_ROOT);
        write("clusters/prod/.sops.yaml", SOPS_NESTED);
        write("clusters/prod/secrets/db.yaml", "password: x\n");
        write("clusters/prod/apps/grafana-secret.yaml", "admin: x\n");
        write("clusters/prod/apps/grafana.yaml", "replicas: 1\n");
        write("clusters/prod/api.env.enc", "TOKEN=x\n");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "lab");
        repo = new FileRepositoryBuilder().setWorkTree(dir.toFile()).setMustExist(true).build();
        tree = new GitTreeView(repo, repo.resolve("HEAD"));
    }

    @AfterEach
    void close() {
        repo.close();
    }

    private void write(String path, String text) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private void git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** A path as git writes it in headers: C-quoted with octal UTF-8 bytes when it is not plain ASCII. */
    static String quoted(String prefix, String path) {
        String p = prefix + path;
        boolean plain = p.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\');
        if (plain) return p;
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : p.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') sb.append('\\').append((char) c);
            else if (c < 0x20 || c >= 0x7f) sb.append('\\').append(String.format("%03o", c));
            else sb.append((char) c);
        }
        return sb.append('"').toString();
    }

    static String modify(String path) {
        return "diff --git " + quoted("a/", path) + " " + quoted("b/", path) + "\n--- " + quoted("a/", path) + "\n+++ "
                + quoted("b/", path) + "\n@@ -1 +1 @@\n-x\n+y\n";
    }

    static String add(String path) {
        return "diff --git " + quoted("a/", path) + " " + quoted("b/", path) + "\nnew file mode 100644\n--- /dev/null\n+++ "
                + quoted("b/", path) + "\n@@ -0,0 +1 @@\n+y\n";
    }

    private List<Violation> refused(String diff, String rule) {
        PatchOutcome out = PatchSet.checkAndApply(diff, policy, tree);
        assertThat(out).as("must be refused: %s", diff).isInstanceOf(PatchOutcome.Refused.class);
        List<Violation> v = ((PatchOutcome.Refused) out).violations();
        assertThat(v).extracting(Violation::rule).as("%s\n%s", diff, v).contains(rule);
        return v;
    }

    private Map<String, Optional<String>> ready(String diff) {
        PatchOutcome out = PatchSet.checkAndApply(diff, policy, tree);
        assertThat(out).as("must land: %s\n%s", diff, out).isInstanceOf(PatchOutcome.Ready.class);
        return ((PatchOutcome.Ready) out).changes();
    }

    static String decode(String s) {
        Matcher m = U.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int cp = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2), 16);
            m.appendReplacement(sb, Matcher.quoteReplacement(new String(Character.toChars(cp))));
        }
        return m.appendTail(sb).toString();
    }

    /** The corpus: rule and path per line. */
    static List<String[]> corpus() throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = PatchRulesTest.class.getResourceAsStream("/patch/hostile-paths.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                int tab = line.indexOf('\t');
                out.add(new String[] {line.substring(0, tab), decode(line.substring(tab + 1))});
            }
        }
        return out;
    }

    @Test
    void every_hostile_path_of_the_corpus_is_refused_as_an_added_and_as_a_modified_file() throws IOException {
        List<String[]> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        int refusals = 0;
        for (String[] entry : corpus) {
            refused(add(entry[1]), entry[0]);
            refused(modify(entry[1]), entry[0]);
            refusals += 2;
        }
        assertThat(refusals).isEqualTo(2 * corpus.size());
    }

    @Test
    void a_refusal_spells_out_a_look_alike_character() {
        List<Violation> v = refused(add("cont\u0435xt_map.yaml"), "I4-non-ascii");
        assertThat(v.toString()).contains("cont\\u{435}xt_map.yaml").contains("U+0435 (CYRILLIC SMALL LETTER IE)");
        assertThat(refused(add("Apps/new.yaml"), "I4-lookalike").toString()).contains("'Apps' would pose as the existing 'apps'");
    }

    /** Issue 12: "rename from stages/s.sh" landed and deleted the stage's script; every rename and copy form is refused. */
    @Test
    void rename_and_copy_headers_are_refused() {
        List<String> diffs = List.of(
                "diff --git a/stages/s.sh b/stages/t.sh\nsimilarity index 100%\nrename from stages/s.sh\nrename to stages/t.sh\n",
                "diff --git a/stages/s.sh b/stages/t.sh\nsimilarity index 90%\nrename from stages/s.sh\nrename to stages/t.sh\n"
                        + "--- a/stages/s.sh\n+++ b/stages/t.sh\n@@ -1,2 +1,2 @@\n #!/bin/sh\n-echo s\n+echo t\n",
                "diff --git a/stages/s.sh b/stages/t.sh\nrename old stages/s.sh\nrename new stages/t.sh\n",
                "diff --git a/stages/s.sh b/stages/s.sh\nrename from stages/s.sh\nrename to stages/s.sh\n"
                        + "--- a/stages/s.sh\n+++ b/stages/s.sh\n@@ -2 +2 @@\n-echo s\n+echo t\n",
                "diff --git a/stages/s.sh b/stages/t.sh\n--- a/stages/s.sh\n+++ b/stages/t.sh\n@@ -2 +2 @@\n-echo s\n+echo t\n",
                "diff --git a/stages/s.sh b/stages/t.sh\n",
                "diff --git a/stages/s.sh b/apps/s.sh\nsimilarity index 100%\nrename from stages/s.sh\nrename to apps/s.sh\n",
                "diff --git a/stages/s.sh b/.github/workflows/s.yml\nsimilarity index 100%\nrename from stages/s.sh\n"
                        + "rename to .github/workflows/s.yml\n");
        for (String d : diffs) {
            refused(d, "I4-rename");
        }
        List<String> unreadable = List.of(
                "diff --git a/stages/s.sh b/stages/t.sh\nsimilarity index 100%\ncopy from stages/s.sh\ncopy to stages/t.sh\n",
                "diff --git a/stages/s.sh b/stages/s.sh\nsimilarity index 100%\n--- a/stages/s.sh\n+++ b/stages/s.sh\n@@ -2 +2 @@\n-echo s\n+echo t\n",
                "diff --git a/stages/s.sh b/stages/t.sh\nnew file mode 100644\nrename from stages/s.sh\nrename to stages/t.sh\n");
        for (String d : unreadable) {
            refused(d, "parse");
        }
        assertThat(diffs.size() + unreadable.size()).isEqualTo(11);
    }

    /** A placeholder in an added line, however the diff is spelled, on the one path every caller shares. */
    @Test
    void a_placeholder_in_any_added_line_is_refused() {
        List<String> diffs = List.of(
                "--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -1,2 +1,3 @@\n name: web\n replicas: 1\n+token: [REDACTED:token:1a2b3c4d]\n",
                "--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -1,2 +1,2 @@\n name: web\n-replicas: 1\n+replicas: [redacted:Password:0BADC0DE]\n",
                "diff --git a/apps/web.yaml b/apps/web.yaml\n--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -1,2 +1,3 @@\n name: web\n"
                        + "+++ [REDACTED:token:1a2b3c4d]\n replicas: 1\n",
                "diff --git a/apps/web.yaml b/apps/web.yaml\n--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -1,2 +1,2 @@\n"
                        + "--- name: web\n+++ [REDACTED:token:1a2b3c4d]\n replicas: 1\n",
                "--- /dev/null\n+++ b/apps/new.yaml\n@@ -0,0 +1,2 @@\n+kind: Secret\n+data: {key: \"[REDACTED:private-key:00ff00ff]\"}\n",
                "--- a/stages/talos.sh\n+++ b/stages/talos.sh\n@@ -2 +2 @@\n-talosctl health\n+talosctl --talosconfig <(echo '[REDACTED:talosconfig-key:12ab34cd]') health\n");
        for (String d : diffs) {
            refused(d, "I8-placeholder");
        }
        refused(add("apps/[REDACTED:token:1a2b3c4d].yaml"), "I8-placeholder");
    }

    @Test
    void files_sops_covers_or_that_are_encrypted_are_refused() {
        for (String path : List.of("clusters/prod/secrets/db.yaml", "clusters/prod/secrets/new.yml", "clusters/prod/api.env.enc",
                "clusters/prod/apps/grafana-secret.yaml", "clusters/prod/apps/loki-secret.yaml", "apps/legacy.yaml")) {
            List<Violation> v = refused(path.contains("new") || path.contains("loki") ? add(path) : modify(path), "I2-protected");
            assertThat(v.toString()).contains("sops");
        }
        // A recipient swap in .sops.yaml itself (issue 12: "a new recipient" landed).
        refused("--- a/.sops.yaml\n+++ b/.sops.yaml\n@@ -4 +4 @@\n-    age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n"
                + "+    age: age1attackerattackerattackerattackerattackerattackerattackerat\n", "I2-protected");
    }

    @Test
    void an_unreadable_sops_config_refuses_rather_than_guesses() {
        assertThat(SopsRules.parse(".sops.yaml", "creation_rules: [\n").problem()).contains("not valid YAML");
        assertThat(SopsRules.parse(".sops.yaml", "creation_rules:\n  - path_regex: '(unclosed'\n").problem())
                .contains("path_regex");
        assertThat(SopsRules.parse(".sops.yaml", "creation_rules:\n  - path_regex: '(?P<env>prod|dev)/.*'\n").problem()).isNull();
    }

    @Test
    void the_configured_list_only_adds_to_the_defaults() {
        PatchPolicy extended = PatchPolicy.defaults(List.of("apps/proxy.yaml", "clusters/"));
        for (String path : List.of("apps/proxy.yaml", "clusters/prod/apps/grafana.yaml", ".github/workflows/x.yml", ".envrc")) {
            PatchOutcome out = PatchSet.checkAndApply(modify(path), extended, tree);
            assertThat(((PatchOutcome.Refused) out).violations()).extracting(Violation::rule).contains("I2-protected");
        }
        // An entry cannot un-protect anything: there is no negation, "!.github/" is just one more (odd) name.
        PatchOutcome out = PatchSet.checkAndApply(modify(".github/workflows/x.yml"), PatchPolicy.defaults(List.of("!.github/")), tree);
        assertThat(((PatchOutcome.Refused) out).violations()).extracting(Violation::rule).contains("I2-protected");
    }

    @Test
    void ordinary_fixes_still_land() {
        assertThat(ready("--- a/apps/web.yaml\n+++ b/apps/web.yaml\n@@ -1,2 +1,2 @@\n name: web\n-replicas: 1\n+replicas: 2\n"))
                .containsEntry("apps/web.yaml", Optional.of("name: web\nreplicas: 2\n"));
        assertThat(ready("diff --git a/stages/talos.sh b/stages/talos.sh\nindex 3b18e51..a0b1c2d 100755\n--- a/stages/talos.sh\n"
                + "+++ b/stages/talos.sh\n@@ -1,3 +1,3 @@\n #!/bin/sh\n-talosctl health\n+talosctl health --wait-timeout 10m\n echo done\n"))
                .containsEntry("stages/talos.sh", Optional.of("#!/bin/sh\ntalosctl health --wait-timeout 10m\necho done\n"));
        assertThat(ready(add("apps/api.yaml"))).containsEntry("apps/api.yaml", Optional.of("y\n"));
        assertThat(ready("--- a/clusters/prod/apps/grafana.yaml\n+++ b/clusters/prod/apps/grafana.yaml\n@@ -1 +1 @@\n-replicas: 1\n+replicas: 2\n"))
                .containsKey("clusters/prod/apps/grafana.yaml");
        // A file whose name is already non-ASCII may be edited under its exact (NFC) name, quoted as git writes it.
        String cafe = "docs/caf\u00e9.md";
        assertThat(ready("diff --git " + quoted("a/", cafe) + " " + quoted("b/", cafe) + "\n--- " + quoted("a/", cafe) + "\n+++ "
                + quoted("b/", cafe) + "\n@@ -1,2 +1,2 @@\n # caf\u00e9\n-open 8-17\n+open 8-18\n"))
                .containsEntry(cafe, Optional.of("# caf\u00e9\nopen 8-18\n"));
    }
}
