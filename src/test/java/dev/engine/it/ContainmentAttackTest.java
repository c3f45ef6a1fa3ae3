package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.engine.cli.ChatCompletions;
import dev.engine.sandbox.Bwrap;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of issue 11, run against the real CLI started through the real launcher, with the
 * real bubblewrap: a stage script rewritten by a model patch (before and after a human approves
 * it), a hostile executor, and a stage that tampers with the engine's state. "Nothing escapes":
 * no key captured, the user's main/HEAD/index/working tree/.git unchanged, the call budget held.
 */
class ContainmentAttackTest {
    static final String KEY = "sk-proj-Zq8xT4vN2mR7kL1pW9sY3bC6dF0gH5jQ";
    static final String MAP = """
            stages:
              s:
                command: "stages/s.sh"
                files: [stages/s.sh, conf/app.yaml, conf/]
            """;

    @TempDir
    Path tmp;
    EngineWorkspace w;
    MockWebServer model;

    @BeforeEach
    void setUp() throws IOException {
        Bwrap.require();
        w = EngineWorkspace.create(tmp, MAP).sandboxed();
        w.write(".gitignore", ".env\n/state/\n/logs/\n/escalations/\n/patches/\n");
        w.write(".env", "CF_TOKEN=local-value\n");
        w.write("conf/app.yaml", "replicas: 1\n");
        w.script("stages/s.sh", "echo 'error: widget controller is broken'\nexit 1");
        w.commit();
        model = new MockWebServer();
        model.start(InetAddress.getLoopbackAddress(), 0);
        w.env("OPENAI_API_KEY", KEY).env("OPENAI_BASE_URL", model.url("/v1").toString())
                .env("EXECUTOR_RETRY_THRESHOLD", "0");
    }

    @AfterEach
    void tearDown() throws IOException {
        w.close();
        model.shutdown();
    }

    /** What the hostile script runs: the attack library with the paths it needs. */
    String hostileScript() throws IOException {
        String attack;
        try (InputStream in = getClass().getResourceAsStream("/hostile/attack.sh")) {
            attack = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return "#!/usr/bin/env bash\nWS=\"$(cd ../.. && pwd)\"\nHOME_DIR=\"$WS\"\n" + attack + "\nexit 1\n";
    }

    /** A diff replacing the stage script with {@code body}. */
    static String rewriteScript(String oldBody, String newBody) {
        StringBuilder d = new StringBuilder("--- a/stages/s.sh\n+++ b/stages/s.sh\n");
        String[] o = oldBody.split("\n");
        String[] n = newBody.split("\n");
        d.append("@@ -1,").append(o.length).append(" +1,").append(n.length).append(" @@\n");
        for (String l : o) d.append('-').append(l).append('\n');
        for (String l : n) d.append('+').append(l).append('\n');
        return d.toString();
    }

    /** The user's repository as the attacks would change it. */
    record Snapshot(String main, String head, String index, String status, String hooks, String config, String env,
                    String worktree) {}

    Snapshot snapshot() throws Exception {
        Path git = w.ws().resolve(".git");
        String hooks;
        try (Stream<Path> s = Files.list(git.resolve("hooks"))) {
            hooks = s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".sample")).sorted().toList().toString();
        }
        return new Snapshot(w.git("rev-parse", "main"), w.git("rev-parse", "HEAD") + w.git("symbolic-ref", "HEAD"),
                sha(git.resolve("index")), w.git("--no-optional-locks", "status", "--porcelain"), hooks, sha(git.resolve("config")),
                Files.readString(w.ws().resolve(".env")), Files.readString(w.ws().resolve("conf/app.yaml")));
    }

    static String sha(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** Every file the engine and the attacks could have written: none may hold the key. */
    void assertKeyNowhere() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tmp)) {
            s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.git/objects/")).forEach(files::add);
        }
        for (Path f : files) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
        }
    }

    String allLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path p : w.logs("s")) b.append(Files.readString(p));
        return b.toString();
    }

    @Test
    void aStageScriptRewrittenByTheModelWaitsForReviewAndAfterApprovalRunsContained() throws Exception {
        String original = "#!/usr/bin/env bash\necho 'error: widget controller is broken'\nexit 1";
        String hostile = hostileScript();
        model.enqueue(ChatCompletions.patch("fix the widget", rewriteScript(original, hostile.strip())));
        model.enqueue(ChatCompletions.giveUp("no idea"));
        Snapshot before = snapshot();

        EngineProcess first = w.startViaLauncher("run", "s");
        assertThat(first.waitFor(Duration.ofSeconds(120))).as(first.describe()).isEqualTo(1);

        // The key reached the engine (it called the model with it) though no process environment held it.
        assertThat(model.getRequestCount()).isEqualTo(1);
        assertThat(model.takeRequest().getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        // Before approval: committed to the AI branch, never run.
        assertThat(allLogs()).doesNotContain("HOSTILE-RAN");
        assertThat(w.status("s")).as("the bash loop's file says failed").isEqualTo("failed");
        JsonNode info = w.stateFile("stage_info.json").path("s");
        String held = info.path("held_commit").asText();
        assertThat(held).isNotEmpty();
        assertThat(w.git("rev-parse", "ai/orchestrator-stage1")).isEqualTo(held);
        assertThat(info.path("reason").asText()).contains("waits for review", "stages/s.sh");
        assertThat(w.auditEvents("s", "awaiting_review")).hasSize(1);
        assertThat(snapshot()).isEqualTo(before);
        EngineProcess status = w.start("status", "--json");
        status.waitFor(Duration.ofSeconds(60));
        assertThat(status.stdout()).contains("\"awaiting_review\"");

        EngineProcess again = w.startViaLauncher("run", "s");
        assertThat(again.waitFor(Duration.ofSeconds(60))).as(again.describe()).isEqualTo(1);
        assertThat(again.stdout()).contains("awaiting review");
        assertThat(allLogs()).doesNotContain("HOSTILE-RAN");

        // A human approves: the script is theirs now, and it runs, contained.
        EngineProcess approve = w.start("review", "approve", held);
        assertThat(approve.waitFor(Duration.ofSeconds(60))).as(approve.describe()).isZero();
        Snapshot approved = snapshot();
        List<Path> earlierLogs = w.logs("s");
        int earlierAttempts = w.auditEvents("s", "attempt_finished").size();
        EngineProcess after = w.startViaLauncher("run", "s");
        assertThat(after.waitFor(Duration.ofSeconds(120))).as(after.describe()).isEqualTo(1);
        String log = allLogs();
        assertThat(log).contains("HOSTILE-RAN", "ATTACK environ: nothing", "ATTACK exfil-file: denied", "ATTACK env-link: denied",
                "ATTACK hook: denied", "ATTACK worktree: denied", "ATTACK push: denied", "ATTACK redaction-key: denied",
                "ATTACK commit: denied", "ATTACK move-main: denied", "ATTACK git-config: denied", "ATTACK runtime: kept");
        assertThat(log).doesNotContain("ATTACK wrote", "ATTACK state: reset", "ATTACK fd:");
        assertThat(earlierLogs).isNotEmpty().allSatisfy(p -> assertThat(p).as("an earlier log, after its rm -rf").exists());
        assertThat(w.auditEvents("s", "attempt_finished")).as("so does the audit trail").hasSize(earlierAttempts + 1);
        assertThat(snapshot()).isEqualTo(approved);
        assertThat(w.run().resolve("captured")).doesNotExist();
        assertThat(w.run().resolve("hook-ran")).doesNotExist();
        assertThat(w.stateFile("errors.json").toString()).contains("\"api_calls\":1");
        assertThat(model.getRequestCount()).isEqualTo(2);
        assertKeyNowhere();
    }

    @Test
    void aHostileExecutorChangesNothingOutsideItsScratchClone() throws Exception {
        Path executor = tmp.resolve("hostile-executor.sh");
        String attack;
        try (InputStream in = getClass().getResourceAsStream("/hostile/attack.sh")) {
            attack = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(executor, "WS=" + w.ws() + "\nHOME_DIR=" + w.ws() + "\n" + attack
                + "\ngit -C \"$WS\" -c user.name=x -c user.email=x@x commit -qam executor 2>/dev/null && echo 'ATTACK commit2 done'"
                + "\ncat \"$ENGINE_BUNDLE\" > /dev/null && echo BUNDLE-READ"
                + "\necho 'replicas: 2' > conf/app.yaml\nmkdir -p other && echo 'x' > other/out-of-scope.txt\n");
        w.env("EXECUTOR_COMMAND", "bash " + executor).env("EXECUTOR_RETRY_THRESHOLD", "2").env("EXECUTOR_API_KEY", "exec-key-" + KEY);
        model.enqueue(ChatCompletions.giveUp("no idea"));
        Snapshot before = snapshot();

        EngineProcess run = w.startViaLauncher("run", "s");
        assertThat(run.waitFor(Duration.ofSeconds(120))).as(run.describe()).isEqualTo(1);

        String executorLogs = readAll(w.ws().resolve("logs/executor"));
        assertThat(executorLogs).contains("HOSTILE-RAN", "BUNDLE-READ", "ATTACK environ: nothing", "ATTACK hook: denied", "ATTACK worktree: denied", "ATTACK redaction-key: denied", "ATTACK commit: denied");
        assertThat(executorLogs).doesNotContain("ATTACK wrote", "ATTACK state: reset", "ATTACK commit2 done", "ATTACK fd:");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(w.run().resolve("hook-ran")).doesNotExist();
        // Its change left the stage's files: refused and recorded; nothing landed.
        assertThat(w.auditEvents("s", "patch_refused")).isNotEmpty();
        assertThat(w.gitResult("rev-parse", "--verify", "-q", "refs/heads/ai/orchestrator-stage1").exit()).isNotZero();
        assertKeyNowhere();
        assertThat(readAll(tmp)).doesNotContain("exec-key-");
    }

    @Test
    void aStageThatTampersWithStateCannotBuyMoreModelCalls() throws Exception {
        // A human-written stage that fails differently each time and tries to reset the counters.
        w.script("stages/s.sh", """
                n=$(cat .attempts 2>/dev/null || echo 0); echo $((n+1)) > .attempts
                words=(alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima)
                for f in ../errors.json ../../state/errors.json ../stage_info.json "$(cd ../.. && pwd)/state/errors.json"; do
                  echo '{}' > "$f" 2>/dev/null && echo "ATTACK state: reset $f"
                done
                echo "error: the ${words[$((n % 12))]} subsystem is down"
                exit 1""");
        w.commit();
        AtomicInteger served = new AtomicInteger();
        model.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                // A data fix that lands every time, so each call leads to a new attempt and failure.
                int n = served.incrementAndGet();
                return ChatCompletions.patch("tune " + n, "--- /dev/null\n+++ b/conf/fix-" + n + ".yaml\n@@ -0,0 +1 @@\n+fix: " + n + "\n");
            }
        });
        EngineProcess run = w.startViaLauncher("run", "s");
        assertThat(run.waitFor(Duration.ofSeconds(240))).as(run.describe()).isEqualTo(1);
        EngineProcess again = w.startViaLauncher("run", "s");
        again.waitFor(Duration.ofSeconds(120));

        assertThat(allLogs()).doesNotContain("ATTACK state: reset");
        assertThat(model.getRequestCount()).as("the per-stage cap").isEqualTo(9);
        assertThat(w.status("s")).isEqualTo("give_up");
        assertThat(w.stateFile("stage_info.json").path("s").path("reason").asText()).contains("9/9");
    }

    @Test
    void evenUncontainedNoProcessEnvironmentHoldsTheKey() throws Exception {
        // sandbox: off, so the stage sees every process of the user: the launcher must have taken
        // the keys out of the engine's environment, and the engine must not pass them on.
        w.write("context_map.yaml", """
                stages:
                  s:
                    command: "stages/s.sh"
                    sandbox: off
                """);
        w.script("stages/s.sh", """
                for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null; done | grep -E '_API_KEY=' || echo 'environ: no key'
                # The engine's descriptors: the launcher's key pipe is still open there.
                for f in /proc/$PPID/fd/*; do timeout 1 cat "$f" 2>/dev/null | tr '\\0' '\\n' | grep -aE '_API_KEY=[A-Za-z0-9]'; done
                echo "fds of $(tr '\\0' ' ' < /proc/$PPID/cmdline | cut -c1-40) read"
                env | grep -E '_API_KEY' || echo 'own env: no key'
                exit 0""");
        w.commit();
        w.env("EXECUTOR_API_KEY", "exec-" + KEY);

        EngineProcess run = w.startViaLauncher("run", "s");
        assertThat(run.waitFor(Duration.ofSeconds(120))).as(run.describe()).isZero();

        assertThat(allLogs()).contains("environ: no key", "own env: no key").doesNotContain(KEY, "_API_KEY=");
        assertKeyNowhere();
        // The engine still has it: validate reads it from the launcher's descriptor.
        EngineProcess validate = w.startViaLauncher("validate");
        validate.waitFor(Duration.ofSeconds(60));
        assertThat(validate.stdout()).contains("OPENAI_API_KEY: set").doesNotContain(KEY);
    }

    static String readAll(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        if (!Files.exists(dir)) return "";
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.git/")).toList()) {
                b.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append('\n');
            }
        }
        return b.toString();
    }
}
