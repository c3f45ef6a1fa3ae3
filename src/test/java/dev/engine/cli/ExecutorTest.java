package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command executor (I9) end to end: it works in a scratch checkout with a scrubbed
 * environment, its change is held to the stage's files and committed to the AI branch, and the
 * stage then runs against that branch in the engine's own checkout.
 */
class ExecutorTest {
    private static final String MAP = """
            stages:
              talos:
                description: "Talos bootstrap"
                command: "stages/talos.sh"
                files: [stages/talos.sh, cluster/talos.yaml]
            protected_files: []
            """;

    @TempDir
    Path tmp;
    Home home;
    Path envDump;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, MAP);
        home.script("stages/talos.sh", "grep -q 'port: 6443' cluster/talos.yaml || { echo 'dial tcp 10.5.0.2:6444: connection refused'; exit 1; }\necho healthy");
        home.write("cluster/talos.yaml", "endpoint: 10.5.0.2\nport: 6444\n");
        home.write("other/notes.md", "notes\n");
        // A git-ignored local file, as a kubeconfig or .env would be: stages must see it in their checkout.
        home.write(".gitignore", "state/\nlogs/\nescalations/\npatches/\nlocal.env\n");
        home.write("local.env", "CLUSTER=homelab\n");
        home.commit("homelab");
        envDump = tmp.resolve("executor-env.txt");
        home.env.put("OPENAI_API_KEY", "sk-must-never-reach-the-executor-1234");
        home.env.put("SOME_TOKEN", "tok-abc");
        // Loopback only: a port nothing listens on, so an escalation fails fast instead of reaching out.
        home.env.put("OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        home.env.put("OPENAI_MAX_RETRIES", "0");
    }

    private void executor(String body) throws Exception {
        Path script = tmp.resolve("executor.sh");
        Files.writeString(script, "#!/usr/bin/env bash\nenv > '" + envDump + "'\npwd >> '" + envDump + "'\n" + body + "\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        home.env.put("EXECUTOR_COMMAND", script.toString());
    }

    @Test
    void an_executor_fix_in_scope_is_committed_and_the_stage_goes_green_on_the_ai_branch() throws Exception {
        executor("sed -i 's/6444/6443/' cluster/talos.yaml");
        String mainBefore = home.git("rev-parse", "main").strip();

        Home.Result r = home.engine("run", "talos");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(home.state("stage_status.json").get("talos").asText()).isEqualTo("green");
        assertThat(home.git("show", "ai/orchestrator-stage1:cluster/talos.yaml")).contains("port: 6443");
        assertThat(home.git("log", "-1", "--format=%B", "ai/orchestrator-stage1")).contains("Engine-Source: executor");
        assertThat(home.git("rev-parse", "main").strip()).isEqualTo(mainBefore);
        assertThat(Files.readString(home.ws.resolve("cluster/talos.yaml"))).contains("6444");
        assertThat(home.git("status", "--porcelain").strip()).isEmpty();
        List<JsonNode> applied = home.audit("talos", "patch_applied");
        assertThat(applied).hasSize(1);
        assertThat(applied.get(0).at("/details/source").asText()).isEqualTo("executor");
    }

    @Test
    void the_executor_sees_only_the_listed_variables_and_never_the_api_key() throws Exception {
        executor("true");
        home.env.put("EXECUTOR_ENV", "PATH,HOME,OPENAI_API_KEY");
        home.engine("run", "talos");
        String env = Files.readString(envDump);
        assertThat(env).doesNotContain("sk-must-never-reach-the-executor").doesNotContain("OPENAI_API_KEY")
                .doesNotContain("SOME_TOKEN").doesNotContain("tok-abc");
        assertThat(env).contains("PATH=").contains("ENGINE_BUNDLE=").contains("ENGINE_STAGE=talos").contains("GIT_CEILING_DIRECTORIES=");
        // It ran in a scratch checkout, not in the user's working tree nor the stage checkout.
        assertThat(env).doesNotContain("\n" + home.ws + "\n");
        String bundlePath = env.lines().filter(l -> l.startsWith("ENGINE_BUNDLE=")).findFirst().orElseThrow().substring(14);
        assertThat(Files.readString(Path.of(bundlePath))).contains("talos").contains("connection refused")
                .doesNotContain("sk-must-never-reach-the-executor");
    }

    @Test
    void a_change_outside_the_stage_scope_is_refused_and_recorded() throws Exception {
        executor("echo hacked >> other/notes.md");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).isEqualTo(1);
        List<JsonNode> refused = home.audit("talos", "patch_refused");
        assertThat(refused).isNotEmpty();
        assertThat(refused.get(0).at("/details/violations").toString()).contains("other/notes.md").contains("scope");
        assertThat(home.git("branch", "--list", "ai/*").strip()).isEmpty();
        assertThat(Files.readString(home.ws.resolve("other/notes.md"))).isEqualTo("notes\n");
    }

    @Test
    void a_unified_diff_printed_on_stdout_is_taken_when_the_tree_is_unchanged() throws Exception {
        executor("""
                cat <<'DIFF'
                Here is my fix:
                --- a/cluster/talos.yaml
                +++ b/cluster/talos.yaml
                @@ -1,2 +1,2 @@
                 endpoint: 10.5.0.2
                -port: 6444
                +port: 6443
                DIFF""");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(home.git("show", "ai/orchestrator-stage1:cluster/talos.yaml")).contains("port: 6443");
    }

    @Test
    void stages_run_in_the_ai_branch_checkout_and_see_git_ignored_local_files() throws Exception {
        home.script("stages/talos.sh", "pwd > '" + tmp.resolve("stage-pwd") + "'\ncat local.env");
        home.commit("stage prints its directory");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(Files.readString(tmp.resolve("stage-pwd")).strip()).isEqualTo(home.ws.resolve("state/checkout").toString());
        assertThat(Files.readString(home.logs("talos").get(0))).contains("CLUSTER=homelab");
    }

    @Test
    void an_openai_compatible_local_model_as_executor_is_held_to_the_stage_scope() throws Exception {
        try (okhttp3.mockwebserver.MockWebServer local = new okhttp3.mockwebserver.MockWebServer()) {
            local.start(java.net.InetAddress.getLoopbackAddress(), 0);
            local.enqueue(ChatCompletions.patch("edit notes", "--- a/other/notes.md\n+++ b/other/notes.md\n@@ -1 +1 @@\n-notes\n+owned\n"));
            local.enqueue(ChatCompletions.patch("fix the port",
                    "--- a/cluster/talos.yaml\n+++ b/cluster/talos.yaml\n@@ -1,2 +1,2 @@\n endpoint: 10.5.0.2\n-port: 6444\n+port: 6443\n"));
            home.env.put("EXECUTOR_KIND", "openai");
            home.env.put("EXECUTOR_BASE_URL", local.url("/v1").toString());
            home.env.put("EXECUTOR_MODEL", "qwen2.5-coder");

            Home.Result r = home.engine("run", "talos");

            assertThat(r.code()).as(r.all()).isZero();
            assertThat(local.getRequestCount()).isEqualTo(2);
            List<JsonNode> refused = home.audit("talos", "patch_refused");
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0).at("/details/violations").toString()).contains("other/notes.md");
            assertThat(home.git("show", "ai/orchestrator-stage1:cluster/talos.yaml")).contains("port: 6443");
            assertThat(home.git("show", "ai/orchestrator-stage1:other/notes.md")).isEqualTo("notes\n");
            assertThat(home.git("log", "-1", "--format=%B", "ai/orchestrator-stage1")).contains("Engine-Source: executor");
            // The local model is not the API: its calls do not count against the budget.
            assertThat(home.audit("talos", "model_call")).isEmpty();
            String sent = ChatCompletions.body(local.takeRequest());
            assertThat(sent).contains("qwen2.5-coder").doesNotContain("sk-must-never-reach-the-executor");
        }
    }

    @Test
    void a_stop_while_the_local_model_thinks_ends_the_run_at_once_instead_of_waiting_for_the_answer() throws Exception {
        try (okhttp3.mockwebserver.MockWebServer local = new okhttp3.mockwebserver.MockWebServer()) {
            local.start(java.net.InetAddress.getLoopbackAddress(), 0);
            // A slow local model: it answers only when the test lets it (after at most five minutes).
            java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
            local.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
                @Override
                public okhttp3.mockwebserver.MockResponse dispatch(okhttp3.mockwebserver.RecordedRequest request) throws InterruptedException {
                    answer.await(5, java.util.concurrent.TimeUnit.MINUTES);
                    return ChatCompletions.patch("fix the port", "--- a/cluster/talos.yaml\n+++ b/cluster/talos.yaml\n");
                }
            });
            home.env.put("EXECUTOR_KIND", "openai");
            home.env.put("EXECUTOR_BASE_URL", local.url("/v1").toString());
            home.env.put("EXECUTOR_MODEL", "qwen2.5-coder");
            dev.engine.stage.Cancellation stop = new dev.engine.stage.Cancellation();
            Thread signal = new Thread(() -> {
                try {
                    while (local.getRequestCount() == 0) { // the executor's call is in flight
                        Thread.sleep(10);
                    }
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                stop.cancel("SIGTERM");
            });
            signal.setDaemon(true);
            signal.start();

            long start = System.nanoTime();
            Home.Result r = home.engineWith(stop, home.ws, "run", "talos");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            assertThat(seconds).as("returned long before the 5-minute answer; " + r.all()).isLessThan(60);
            assertThat(home.audit("talos", "executor_model_call")).singleElement()
                    .satisfies(e -> assertThat(e.at("/details/error").asText()).isEqualTo("Stopped"));
            assertThat(home.state("stage_status.json").get("talos").asText()).isNotEqualTo("green");
            assertThat(home.git("branch", "--list", "ai/*").strip()).isEmpty();
            answer.countDown(); // lets the server shut down
        }
    }

    /** The executor works on real files: the diff kept in patches/ must hold the placeholder, never the secret next to the fix. */
    @Test
    void the_executor_diff_kept_in_patches_is_redacted() throws Exception {
        home.write("cluster/talos.yaml", "endpoint: 10.5.0.2\nmachine_token: q8x3vd.k2m9p4n7r1s5t6w8\nport: 6444\n");
        home.commit("token next to the port");
        executor("sed -i 's/6444/6443/' cluster/talos.yaml");
        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).as(r.all()).isZero();
        String kept = home.git("log", "-1", "--format=%(trailers:key=Engine-Patch,valueonly,separator=)", "ai/orchestrator-stage1").strip();
        assertThat(kept).startsWith("patches/talos_").endsWith("_patch.diff");
        assertThat(Files.readString(home.ws.resolve(kept))).contains("+port: 6443").contains("[REDACTED:")
                .doesNotContain("k2m9p4n7r1s5t6w8");
        assertThat(home.git("show", "ai/orchestrator-stage1:cluster/talos.yaml")).contains("machine_token: q8x3vd.k2m9p4n7r1s5t6w8");
    }
}
