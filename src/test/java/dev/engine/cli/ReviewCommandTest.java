package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `patch apply` and `review` through the real CLI, every result checked with the git CLI. */
class ReviewCommandTest {
    private static final String AI = "ai/orchestrator-stage1";

    @TempDir
    Path tmp;
    Home home;
    String mainBefore;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [stages/talos.sh, cluster/talos/worker.yaml]
                """);
        home.script("stages/talos.sh", "talosctl health\necho done");
        home.write("cluster/talos/worker.yaml", "machine:\n  type: worker\n");
        home.write("notes.txt", "mine\n");
        home.commit("stages");
        mainBefore = home.git("rev-parse", "main").strip();
    }

    private void writeFix(String name, String from, String to) throws Exception {
        home.write(name, """
                --- a/stages/talos.sh
                +++ b/stages/talos.sh
                @@ -1,3 +1,3 @@
                 #!/usr/bin/env bash
                -%s
                +%s
                 echo done
                """.formatted(from, to));
    }

    @Test
    void patch_apply_commits_to_the_ai_branch_only_and_review_lists_it() throws Exception {
        home.write("notes.txt", "mine, uncommitted\n"); // the user's dirty working tree must survive
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        String statusBefore = home.git("status", "--porcelain");

        Home.Result r = home.engine("patch", "apply", "fix.diff", "--stage", "talos", "-m", "wait longer for etcd");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("committed").contains(AI).contains("main untouched");

        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(mainBefore);
        assertThat(home.git("symbolic-ref", "HEAD").strip()).isEqualTo("refs/heads/main");
        assertThat(home.git("status", "--porcelain")).isEqualTo(statusBefore);
        assertThat(Files.readString(home.ws.resolve("stages/talos.sh"))).doesNotContain("wait-timeout");
        assertThat(home.git("show", AI + ":stages/talos.sh")).contains("talosctl health --wait-timeout 10m");
        assertThat(home.git("log", "--format=%B", "main.." + AI)).contains("ai(talos): wait longer for etcd")
                .contains("Engine-Source: manual").contains("Engine-Patch: patches/talos_");
        home.git("fsck", "--strict");
        assertThat(home.audit("talos", "patch_applied")).hasSize(1);

        Home.Result list = home.engine("review");
        assertThat(list.out()).contains("1 AI commit(s)").contains("talos").contains("manual").contains("+1/-1")
                .contains("wait longer for etcd").contains("files: stages/talos.sh");
        assertThat(home.engine("status").out()).contains("1 commit(s) waiting for review");
        String sha = home.git("rev-parse", "--short=10", AI).strip();
        assertThat(home.engine("review", "show", sha).out()).contains("+talosctl health --wait-timeout 10m");
    }

    @Test
    void a_refused_patch_creates_no_branch_and_is_audited() throws Exception {
        home.write("evil.diff", "--- a/context_map.yaml\n+++ b/context_map.yaml\n@@ -1 +1 @@\n-stages:\n+stages: {}\n");
        Home.Result r = home.engine("patch", "apply", "evil.diff");
        assertThat(r.code()).isEqualTo(1);
        assertThat(home.git("branch", "--list", AI)).isBlank();
        assertThat(home.audit().stream().filter(n -> n.path("event").asText().equals("patch_refused"))).hasSize(1);
    }

    @Test
    void reject_drops_one_commit_and_keeps_the_others() throws Exception {
        writeFix("one.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        assertThat(home.engine("patch", "apply", "one.diff", "-m", "first").code()).isZero();
        home.write("two.diff", "--- a/cluster/talos/worker.yaml\n+++ b/cluster/talos/worker.yaml\n@@ -1,2 +1,2 @@\n machine:\n-  type: worker\n+  type: worker # checked\n");
        assertThat(home.engine("patch", "apply", "two.diff", "-m", "second").code()).isZero();
        String first = home.git("rev-parse", AI + "~1").strip();

        Home.Result r = home.engine("review", "reject", first.substring(0, 10), "--reason", "wrong fix");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(home.git("log", "--format=%s", "main.." + AI).strip()).isEqualTo("ai(-): second");
        assertThat(home.git("show", AI + ":stages/talos.sh")).doesNotContain("wait-timeout");
        assertThat(home.audit().stream().filter(n -> n.path("event").asText().equals("rejected"))
                .map(n -> n.at("/details/reason").asText())).containsExactly("wrong fix");
        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(mainBefore);
    }

    @Test
    void approve_merges_into_main_and_updates_the_working_tree() throws Exception {
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        home.engine("patch", "apply", "fix.diff", "--stage", "talos");
        Home.Result r = home.engine("review", "approve", "--all");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("approved 1 commit(s)").contains("fast-forward");
        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(home.git("rev-parse", AI).strip());
        assertThat(Files.readString(home.ws.resolve("stages/talos.sh"))).contains("--wait-timeout 10m");
        assertThat(home.engine("review").out()).contains("no AI commits waiting");
        assertThat(home.audit().stream().filter(n -> n.path("event").asText().equals("approved"))).hasSize(1);
        assertThat(home.audit("talos", "approved")).as("the approval is filed under its stage").hasSize(1);
    }

    @Test
    void approve_is_refused_on_a_dirty_tree_naming_the_file_and_changes_nothing() throws Exception {
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        home.engine("patch", "apply", "fix.diff");
        home.write("stages/talos.sh", "#!/usr/bin/env bash\nlocal edit\n");
        Home.Result r = home.engine("review", "approve", "--all");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("stages/talos.sh");
        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(mainBefore);
        assertThat(Files.readString(home.ws.resolve("stages/talos.sh"))).contains("local edit");
        assertThat(home.audit().stream().filter(n -> n.path("event").asText().equals("approve_refused"))).hasSize(1);
    }

    @Test
    void a_run_rebases_pending_ai_commits_onto_a_moved_main() throws Exception {
        home.tool("talosctl", "echo healthy");
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        home.engine("patch", "apply", "fix.diff", "--stage", "talos");
        home.write("cluster/talos/worker.yaml", "machine:\n  type: worker\n  network: {}\n");
        home.commit("human change on main");

        assertThat(home.engine("run", "talos").code()).isZero();
        home.git("merge-base", "--is-ancestor", "main", AI); // throws unless main is in the AI branch
        assertThat(home.git("log", "--format=%s", "main.." + AI).strip()).isEqualTo("ai(talos): manual patch fix.diff");
        assertThat(home.git("show", AI + ":stages/talos.sh")).contains("--wait-timeout 10m");
        assertThat(home.audit().stream().filter(n -> n.path("event").asText().equals("ai_branch_sync"))
                .map(n -> n.at("/details/result").asText())).containsExactly("rebased");
    }

    @Test
    void a_conflicting_main_leaves_the_ai_branch_alone_and_status_says_so() throws Exception {
        home.tool("talosctl", "echo healthy");
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        home.engine("patch", "apply", "fix.diff", "--stage", "talos");
        String aiBefore = home.git("rev-parse", AI).strip();
        home.script("stages/talos.sh", "talosctl health --nodes 10.5.0.2\necho done");
        home.commit("human fix of the same line");

        home.engine("run", "talos");
        assertThat(home.git("rev-parse", AI).strip()).isEqualTo(aiBefore);
        assertThat(home.engine("status").out()).contains("AI branch conflicts with main").contains("stages/talos.sh");
    }

    @Test
    void with_nothing_pending_the_ai_branch_follows_main() throws Exception {
        home.tool("talosctl", "echo healthy");
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        home.engine("patch", "apply", "fix.diff");
        home.engine("review", "approve", "--all");
        home.write("notes.txt", "more\n");
        home.commit("later human work");

        home.engine("run", "talos");
        assertThat(home.git("rev-parse", AI).strip()).isEqualTo(home.git("rev-parse", "main").strip());
    }

    /** Issue 12: on a feature branch with its own commit, `patch apply` built the AI branch on feature and review offered the human's commit. */
    @Test
    void patch_apply_on_a_feature_branch_builds_on_main_and_review_offers_only_the_engine_commit() throws Exception {
        home.git("checkout", "-q", "-b", "feature");
        home.write("notes.txt", "feature work\n");
        home.commit("human feature work");
        String feature = home.git("rev-parse", "feature").strip();
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");

        Home.Result r = home.engine("patch", "apply", "fix.diff", "--stage", "talos");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("checked against main");
        assertThat(home.git("rev-parse", AI + "~1").strip()).isEqualTo(mainBefore);
        assertThat(home.git("log", "--format=%s", "main.." + AI).strip()).isEqualTo("ai(talos): manual patch fix.diff");
        assertThat(home.git("show", AI + ":notes.txt")).isEqualTo("mine\n");
        assertThat(home.git("rev-parse", "feature").strip()).isEqualTo(feature);
        assertThat(home.git("symbolic-ref", "HEAD").strip()).isEqualTo("refs/heads/feature");
        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(mainBefore);

        Home.Result list = home.engine("review", "list");
        assertThat(list.code()).as(list.all()).isZero();
        assertThat(list.out()).contains("1 AI commit(s)").doesNotContain("human feature work").doesNotContain("unknown");

        assertThat(home.engine("review", "approve", "--all").code()).isZero();
        assertThat(home.git("show", "main:stages/talos.sh")).contains("--wait-timeout 10m");
        assertThat(home.git("show", "main:notes.txt")).isEqualTo("mine\n");
        assertThat(home.git("rev-parse", "feature").strip()).isEqualTo(feature);
    }

    @Test
    void a_foreign_commit_on_the_ai_branch_is_an_error_with_what_to_type_and_is_never_approved() throws Exception {
        writeFix("fix.diff", "talosctl health", "talosctl health --wait-timeout 10m");
        assertThat(home.engine("patch", "apply", "fix.diff", "--stage", "talos").code()).isZero();
        home.git("checkout", "-q", AI);
        home.write("notes.txt", "slipped in\n");
        home.commit("hand edit on the AI branch");
        home.git("checkout", "-q", "main");
        String foreign = home.git("rev-parse", "--short=7", AI).strip();

        Home.Result list = home.engine("review", "list");
        assertThat(list.code()).isEqualTo(1);
        assertThat(list.out()).contains("1 AI commit(s)").contains("manual patch fix.diff").doesNotContain("hand edit");
        assertThat(list.err()).contains("did not make").contains("hand edit on the AI branch")
                .contains("git branch my-work " + foreign).contains("engine review reject " + foreign);
        assertThat(home.engine("status").out()).contains("1 commit(s) waiting for review");

        Home.Result approve = home.engine("review", "approve", "--all");
        assertThat(approve.code()).isEqualTo(1);
        assertThat(approve.err()).contains("did not make");
        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(mainBefore);
        assertThat(home.audit().stream().filter(n -> n.path("event").asText().equals("approve_refused"))).hasSize(1);

        // Doing what the message says resolves it.
        home.git("branch", "my-work", foreign);
        assertThat(home.engine("review", "reject", foreign).code()).isZero();
        assertThat(home.engine("review", "list").code()).isZero();
        assertThat(home.engine("review", "approve", "--all").code()).isZero();
        assertThat(home.git("show", "main:notes.txt")).isEqualTo("mine\n");
        assertThat(home.git("show", "my-work:notes.txt")).isEqualTo("slipped in\n");
    }

    @Test
    void commits_are_authored_by_the_repository_identity_and_marked_by_the_engine_trailers() throws Exception {
        home.git("config", "user.name", "Ada Lovelace");
        home.git("config", "user.email", "ada@example.net");
        home.env.put("DB_PASSWORD", "hunter2hunter2");
        home.write("stages/talos.sh", "#!/usr/bin/env bash\ntalosctl health\necho done\n");
        home.write("fix.diff", """
                --- a/stages/talos.sh
                +++ b/stages/talos.sh
                @@ -1,3 +1,4 @@
                 #!/usr/bin/env bash
                 talosctl health
                +# db password in the vault is hunter2hunter2? no: read it from DB_PASSWORD
                 echo done
                """);
        // Issue 13 item 8: a diff adding a known secret never lands, and the refusal shows only its placeholder.
        Home.Result refused = home.engine("patch", "apply", "fix.diff", "--stage", "talos", "-m", "note");
        assertThat(refused.code()).as(refused.all()).isEqualTo(1);
        assertThat(refused.out()).contains("I8-secret").contains("[REDACTED:").doesNotContain("hunter2hunter2");
        // The secret is already in the file (a context line): that diff lands, and its kept copy is redacted.
        home.write("stages/talos.sh", "#!/usr/bin/env bash\n# db password in the vault is hunter2hunter2\ntalosctl health\necho done\n");
        home.commit("the password in a comment");
        home.write("fix.diff", """
                --- a/stages/talos.sh
                +++ b/stages/talos.sh
                @@ -1,4 +1,5 @@
                 #!/usr/bin/env bash
                 # db password in the vault is hunter2hunter2
                 talosctl health
                +# no: read it from DB_PASSWORD
                 echo done
                """);
        Home.Result r = home.engine("patch", "apply", "fix.diff", "--stage", "talos", "-m", "note");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(home.git("log", "-1", "--format=%an <%ae>|%cn <%ce>|%(trailers:key=Engine-Source,valueonly,separator=)|%(trailers:key=Engine-Stage,valueonly,separator=)", AI).strip())
                .isEqualTo("Ada Lovelace <ada@example.net>|Ada Lovelace <ada@example.net>|manual|talos");
        String kept = home.git("log", "-1", "--format=%(trailers:key=Engine-Patch,valueonly)", AI).strip();
        assertThat(kept).startsWith("patches/talos_").endsWith("_patch.diff");
        assertThat(Files.readString(home.ws.resolve(kept))).contains("read it from DB_PASSWORD").doesNotContain("hunter2hunter2");
        assertThat(home.audit("talos", "patch_applied").get(0).at("/details/source").asText()).isEqualTo("manual");
    }
}
