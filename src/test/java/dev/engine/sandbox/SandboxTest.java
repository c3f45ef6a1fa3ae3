package dev.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.stage.Cancellation;
import dev.engine.stage.CommandOutcome;
import dev.engine.stage.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a contained process can and cannot do, with the real bubblewrap (DESIGN.md §8, I9). */
class SandboxTest {
    @TempDir
    Path tmp;
    Path home;
    Path clone;
    Path state;
    ProcessRunner runner;
    Containment stage;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        runner = new ProcessRunner(Bwrap.require());
        home = Files.createDirectories(tmp.resolve("home"));
        state = Files.createDirectories(home.resolve("state"));
        Files.writeString(state.resolve("errors.json"), "{\"talos_abc\": {\"api_calls\": 3}}\n");
        Files.writeString(state.resolve("redaction.key"), "k\n");
        Files.createDirectories(home.resolve("escalations"));
        Files.writeString(home.resolve("escalations/case.md"), "case\n");
        clone = Files.createDirectories(state.resolve("checkout"));
        Files.writeString(home.resolve("user-file.txt"), "the user's\n");
        stage = Containment.of(List.of(tmp), List.of(state, home.resolve("logs"), home.resolve("escalations"), home.resolve("patches")),
                List.of(), List.of(clone));
        env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", tmp.toString());
    }

    Result run(String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandOutcome o = runner.run(ProcessRunner.Spec.shell(script, clone, env, Duration.ofSeconds(30), stage), out,
                new Cancellation());
        return new Result(o, out.toString(StandardCharsets.UTF_8));
    }

    record Result(CommandOutcome outcome, String out) {
        int exit() {
            return outcome.exitCode().orElse(-99);
        }
    }

    @Test
    void theEnginesProcessesAreInvisible() {
        long engine = ProcessHandle.current().pid();
        Result r = run("ls /proc | grep -E '^[0-9]+$' | wc -l; test -e /proc/" + engine + "/environ && echo SEEN || echo HIDDEN;"
                + " cat /proc/1/cmdline | tr '\\0' ' '");
        assertThat(r.out()).contains("HIDDEN");
        String[] lines = r.out().strip().split("\n");
        // The sandbox's own init, bash, ls/grep/wc: a handful, never the host's hundreds.
        assertThat(Integer.parseInt(lines[0].strip())).isLessThan(12);
        assertThat(lines[2]).doesNotContain("java");
    }

    @Test
    void onlyTheCloneAndAPrivateTmpAreWritable() throws IOException {
        Result r = run("set +e; echo x > file-in-clone && echo CLONE-OK; echo y > /tmp/t && echo TMP-OK;"
                + " echo z >> " + home.resolve("user-file.txt") + " || echo USER-RO;"
                + " echo w > " + tmp.resolve("new-file") + " || echo TMPDIR-RO;"
                + " ls -A " + state + " | grep -v checkout | wc -l; cat " + state.resolve("errors.json") + " 2>&1 | head -1;"
                + " ls -A " + home.resolve("escalations") + " | wc -l; echo tmpdir=$TMPDIR");
        assertThat(r.out()).contains("CLONE-OK", "TMP-OK", "USER-RO", "TMPDIR-RO", "tmpdir=/tmp");
        assertThat(r.out()).doesNotContain("api_calls");
        assertThat(clone.resolve("file-in-clone")).hasContent("x");
        assertThat(home.resolve("user-file.txt")).hasContent("the user's");
        assertThat(tmp.resolve("new-file")).doesNotExist();
        assertThat(state.resolve("errors.json")).content().contains("\"api_calls\": 3");
        // The private /tmp is not the host's.
        assertThat(Path.of("/tmp/t")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.readString(p)).isNotEqualTo("y\n"));
    }

    @Test
    void theNetworkIsKeptBecauseStagesTalkToTheCluster() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("hello from the cluster\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // the test fails on the output instead
                }
            });
            accept.start();
            Result r = run("exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && head -1 <&3");
            accept.join(5000);
            assertThat(r.out()).contains("hello from the cluster");
        }
    }

    @Test
    void aBackgroundProcessDiesWithTheCommandAndATimeoutStopsTheTree() throws Exception {
        Path marker = clone.resolve("still-alive");
        Result r = run("(sleep 2; echo late > " + marker + ") & echo started");
        assertThat(r.exit()).isZero();
        Thread.sleep(3000);
        assertThat(marker).doesNotExist();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandOutcome o = runner.run(ProcessRunner.Spec.shell("sleep 60 & sleep 60", clone, env, Duration.ofMillis(500), stage),
                out, new Cancellation());
        assertThat(o.timedOut()).isTrue();
    }

    @Test
    void offMeansUncontainedAndIsOnlyEverExplicit() {
        Containment off = Containment.off("sandbox: off for stage vms in context_map.yaml");
        assertThat(runner.contains(off)).isFalse();
        assertThat(runner.contains(stage)).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        runner.run(ProcessRunner.Spec.shell("cat " + state.resolve("errors.json"), clone, env, Duration.ofSeconds(10), off), out,
                new Cancellation());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("api_calls");
    }

    @Test
    void aMissingBubblewrapIsReportedWithTheFix() {
        Sandbox none = Sandbox.locate("/nonexistent/bwrap", Map.of());
        assertThat(none.available()).isFalse();
        assertThat(none.problem()).get().asString().contains("bubblewrap", "apt-get install bubblewrap");
        Sandbox notOnPath = Sandbox.locate("bwrap-that-is-not-there", Map.of("PATH", tmp.toString()));
        assertThat(notOnPath.problem()).isPresent();
    }

    @Test
    void pathsTheReadOnlyRootAlreadyShowsAreNotMountedAgainWhileOnesUnderThePrivateTmpAreOnce() throws IOException {
        Sandbox bwrap = Bwrap.require();
        Containment c = Containment.of(List.of(Path.of("/usr/bin"), Path.of("/usr/bin"), tmp, tmp, Path.of("/bin")),
                List.of(state), List.of(), List.of(clone));
        List<String> argv = bwrap.wrap(List.of("true"), c, clone);
        String joined = String.join(" ", argv);
        assertThat(joined).doesNotContain("--ro-bind /usr/bin").doesNotContain("--ro-bind /bin");
        String shown = "--ro-bind " + tmp.toRealPath() + " " + tmp.toRealPath();
        assertThat(joined.indexOf(shown)).isNotNegative().isEqualTo(joined.lastIndexOf(shown));
        // and what is bound once is still seen: the workspace under /tmp, programs from /usr/bin
        Files.writeString(tmp.resolve("seen.txt"), "here\n");
        Result r = run("cat " + tmp.resolve("seen.txt") + " && /usr/bin/true && echo ok");
        assertThat(r.out()).contains("here", "ok");
    }
}
