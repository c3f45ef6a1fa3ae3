package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: fake kubectl/talosctl scripts on a PATH given only through the env map. */
class DiagnosticsRunnerTest {
    private static final String SECRET = "planted-s3cr3t-9f8e7d";
    private static final UnaryOperator<String> REDACT = s -> s.replace(SECRET, "[REDACTED]");

    @TempDir
    Path tmp;
    Path bin;
    Path work;
    Path out;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        work = Files.createDirectories(tmp.resolve("work"));
        out = tmp.resolve("logs").resolve("diagnostics");
        env = Map.of("PATH", bin + ":/usr/bin:/bin", "LANG", "C");
    }

    private void tool(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private DiagnosticsRunner runner(Duration timeout, int cap) {
        return new DiagnosticsRunner(work, env, timeout, cap, out, REDACT);
    }

    private DiagnosticsRunner runner() {
        return runner(Duration.ofSeconds(60), 1 << 20);
    }

    private static Verdict.Allowed allowed(DiagnosticsPolicy policy, String request) {
        Verdict v = policy.check(request);
        assertThat(v).isInstanceOf(Verdict.Allowed.class);
        return (Verdict.Allowed) v;
    }

    @Test
    void aConfiguredPipelineRunsWithoutAShellAndItsOutputIsRedacted() throws Exception {
        tool("kubectl", """
                echo "args: $*"
                echo "NAMESPACE     NAME"
                echo "kube-system   coredns-1"
                echo "flux-system   source-controller-2"
                echo "media         jellyfin-0   token=%s"
                echo "kubectl warning on stderr" >&2
                """.formatted(SECRET));
        DiagnosticsPolicy policy = new DiagnosticsPolicy(
                List.of("kubectl get pods -A | grep -v kube-system | grep -v flux-system"), Map.of());

        DiagnosticResult r = runner().run(allowed(policy, "kubectl get pods -A | grep -v kube-system | grep -v flux-system"), "apps");

        assertThat(r.exitCode()).isZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.truncated()).isFalse();
        assertThat(r.output())
                .contains("args: get pods -A", "NAMESPACE     NAME", "media         jellyfin-0   token=[REDACTED]",
                        "kubectl warning on stderr")
                .doesNotContain("coredns", "source-controller", SECRET);
        assertThat(r.command()).isEqualTo("kubectl get pods -A | grep -v kube-system | grep -v flux-system");
        assertThat(r.file().getParent()).isEqualTo(out);
        assertThat(r.file().getFileName().toString()).matches("apps_\\d{8}-\\d{6}_1\\.log");
        String logged = Files.readString(r.file());
        assertThat(logged).contains("token=[REDACTED]", "# ran: kubectl get pods -A | grep -v kube-system | grep -v flux-system",
                "# rule: stage diagnostic #1").doesNotContain(SECRET);
        assertThat(logged).endsWith(r.output());
    }

    @Test
    void aVariableFullOfMetacharactersReachesTheToolAsOneArgumentAndNothingElseRuns() throws Exception {
        tool("talosctl", "for a in \"$@\"; do echo \"<$a>\"; done");
        String value = "10.0.0.10; touch PWNED; $(touch PWNED2) `touch PWNED3` | touch PWNED4";
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("talosctl --nodes ${CTRL_IP} version"), Map.of("CTRL_IP", value));

        DiagnosticResult r = runner().run(allowed(policy, "talosctl --nodes $CTRL_IP version"), "talos");

        assertThat(r.output()).isEqualTo("<--nodes>\n<" + value + ">\n<version>\n");
        try (var files = Files.list(work)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theEnvironmentAndDirectoryAreExactlyTheGivenOnes() throws Exception {
        tool("kubectl", "pwd; env | sort");
        env = Map.of("PATH", bin + ":/usr/bin:/bin", "ONLY_THIS", "yes");

        DiagnosticResult r = runner().run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl version"), "x");

        assertThat(r.output().lines()).first().isEqualTo(work.toRealPath().toString());
        assertThat(r.output()).contains("ONLY_THIS=yes");
        // Whatever the engine's own environment holds (HOME, USER, API keys) is not passed on.
        System.getenv().keySet().stream()
                .filter(k -> !k.equals("PATH") && !k.equals("PWD") && !k.equals("SHLVL") && !k.equals("_"))
                .forEach(k -> assertThat(r.output()).doesNotContain("\n" + k + "="));
    }

    @Test
    void aHangingCommandIsStoppedAtTheTimeoutWithEverythingItStarted() throws Exception {
        tool("kubectl", """
                echo started
                echo $$ > "%s/main.pid"
                sleep 600 &
                echo $! > "%s/child.pid"
                wait
                """.formatted(tmp, tmp));
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("kubectl get events -A | grep -v Normal"), Map.of());

        DiagnosticResult r = runner(Duration.ofSeconds(1), 1 << 20).run(allowed(policy, "kubectl get events -A | grep -v Normal"), "obs");

        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        // grep holds "started" in its buffer: it only comes out because the stuck first segment
        // is stopped before grep, which then ends on the end of its input and flushes.
        assertThat(r.output()).contains("started");
        assertThat(Files.readString(r.file())).contains("timed out after 1s");
        assertGone(pid("main.pid"));
        assertGone(pid("child.pid"));
    }

    @Test
    void aFloodIsCutAtTheCapAndTheCommandStopped() throws Exception {
        tool("kubectl", "echo $$ > \"" + tmp + "/main.pid\"; exec yes 'flood flood flood flood'");
        int cap = 64 * 1024;

        // The timeout is far away: only the cap can end this run quickly with truncated set.
        DiagnosticResult r = runner(Duration.ofSeconds(120), cap).run(
                allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl logs -n media deploy/flood"), "apps");

        assertThat(r.truncated()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output().getBytes(StandardCharsets.UTF_8).length).isEqualTo(cap);
        assertThat(r.output()).startsWith("flood flood");
        assertGone(pid("main.pid"));
    }

    @Test
    void aFloodInsideAPipelineIsCutToo() throws Exception {
        tool("kubectl", "exec yes 'line of output'");
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("kubectl get pods -A | grep line"), Map.of());

        DiagnosticResult r = runner(Duration.ofSeconds(120), 10_000).run(allowed(policy, "kubectl get pods -A | grep line"), "apps");

        assertThat(r.truncated()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.output().length()).isEqualTo(10_000);
    }

    @Test
    void aMissingCommandIsAResultNotAnException() throws Exception {
        DiagnosticResult r = runner().run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "talosctl version"), "talos");

        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).contains("command not found: 'talosctl'");
        assertThat(Files.readString(r.file())).contains("command not found: 'talosctl'");
    }

    @Test
    void aMissingCommandLaterInThePipelineIsFoundBeforeAnythingRuns() throws Exception {
        tool("kubectl", "touch \"" + tmp + "/ran\"");
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("kubectl get pods | no-such-filter-tool x"), Map.of());

        DiagnosticResult r = runner().run(allowed(policy, "kubectl get pods | no-such-filter-tool x"), "apps");

        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.output()).contains("'no-such-filter-tool'");
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void theWorkspaceIsNeverSearchedForTheCommand() throws Exception {
        Path planted = work.resolve("kubectl");
        Files.writeString(planted, "#!/bin/sh\ntouch \"" + tmp + "/planted-ran\"\n");
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxr-xr-x"));
        env = Map.of("PATH", ".::bin:/nonexistent");

        DiagnosticResult r = runner().run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl get pods"), "apps");

        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(tmp.resolve("planted-ran")).doesNotExist();
    }

    @Test
    void binaryOutputIsDecodedLossilyAndControlCharactersAreNeutralized() throws Exception {
        tool("kubectl", "printf 'bin\\000\\001\\377\\376 hello \\033[31mred\\n'");

        DiagnosticResult r = runner().run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl version"), "x");

        assertThat(r.output()).contains("bin", "hello", "[31mred", "\uFFFD").doesNotContain("\u0000", "\u0001", "\u001b");
    }

    @Test
    void stdinIsClosedSoACommandReadingItEnds() throws Exception {
        tool("kubectl", "cat; echo \"cat ended\"");

        DiagnosticResult r = runner(Duration.ofSeconds(60), 4096).run(
                allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl version"), "x");

        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).isEqualTo("cat ended\n");
    }

    @Test
    void theExitCodeIsTheLastSegmentsAndAnEarlierFailureIsNoted() throws Exception {
        tool("kubectl", "echo 'error: connection refused' >&2; echo partial; exit 3");
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("kubectl get nodes | tail -5"), Map.of());

        DiagnosticResult r = runner().run(allowed(policy, "kubectl get nodes | tail -5"), "talos");

        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("error: connection refused", "partial");
        assertThat(Files.readString(r.file())).contains("# exit: 0 (segment 1 'kubectl' exited 3)");
    }

    @Test
    void aFailingCommandReportsItsExitCode() throws Exception {
        tool("kubectl", "echo 'Error from server (NotFound)' >&2; exit 1");

        DiagnosticResult r = runner().run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl get ns nope"), "x");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.output()).isEqualTo("Error from server (NotFound)\n");
    }

    @Test
    void aBackgroundProcessLeftBehindIsStoppedWhenTheCommandEnds() throws Exception {
        tool("kubectl", "sleep 600 > /dev/null 2>&1 &\necho $! > \"" + tmp + "/bg.pid\"\necho done");

        DiagnosticResult r = runner().run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl version"), "x");

        assertThat(r.output()).isEqualTo("done\n");
        assertGone(pid("bg.pid"));
    }

    @Test
    void everyRunGetsItsOwnFileAndAHostileStageNameStaysInside() throws Exception {
        tool("kubectl", "echo ok");
        Verdict.Allowed a = allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl version");

        DiagnosticResult first = runner().run(a, "apps");
        DiagnosticResult second = runner().run(a, "apps");
        DiagnosticResult odd = runner().run(a, "../../etc/passwd");

        assertThat(first.file()).isNotEqualTo(second.file()).exists();
        assertThat(second.file()).exists();
        assertThat(odd.file().getParent()).isEqualTo(out);
        assertThat(odd.file().getFileName().toString()).startsWith("______etc_passwd_");
    }

    @Test
    void theRequestedCommandIsRedactedToo() throws Exception {
        tool("kubectl", "echo ok");
        Verdict.Allowed a = new Verdict.Allowed("kubectl get pods --token=" + SECRET,
                List.of(List.of("kubectl", "get", "pods", "--token=" + SECRET)), "test");

        DiagnosticResult r = runner().run(a, "x");

        assertThat(r.command()).isEqualTo("kubectl get pods --token=[REDACTED]");
        assertThat(Files.readString(r.file())).doesNotContain(SECRET);
    }

    private long pid(String file) throws IOException {
        return Long.parseLong(Files.readString(tmp.resolve(file)).strip());
    }

    /** Dead or a zombie (an orphan in a container whose init never reaps); waits a little for signal delivery. */
    private static void assertGone(long pid) throws InterruptedException {
        for (int i = 0; i < 500 && running(pid); i++) {
            Thread.sleep(20);
        }
        assertThat(running(pid)).as("process %d still running", pid).isFalse();
    }

    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aDiagnosticRunsContainedSeesNoEngineAndWritesNothingOutside() throws Exception {
        dev.engine.sandbox.Sandbox sandbox = dev.engine.sandbox.Bwrap.require();
        Path state = Files.createDirectories(tmp.resolve("home/state"));
        Files.writeString(state.resolve("errors.json"), "{\"a\": {\"api_calls\": 3}}\n");
        long engine = ProcessHandle.current().pid();
        // A kubeconfig exec plugin an earlier patch planted would run as this tool does.
        tool("kubectl", "echo planted >> " + tmp.resolve("outside.txt") + " 2>/dev/null || echo WRITE-DENIED\n"
                + "echo '{}' > " + state.resolve("errors.json") + " 2>/dev/null || echo STATE-DENIED\n"
                + "test -e /proc/" + engine + " && echo ENGINE-SEEN || echo ENGINE-HIDDEN\necho pods");
        dev.engine.sandbox.Containment c = dev.engine.sandbox.Containment.of(List.of(tmp), List.of(state), List.of(work), List.of());
        DiagnosticsRunner contained = new DiagnosticsRunner(work, env, Duration.ofSeconds(30), 1 << 20, out, REDACT,
                new dev.engine.stage.ProcessRunner(sandbox), c, new dev.engine.stage.Cancellation());

        DiagnosticResult r = contained.run(allowed(new DiagnosticsPolicy(List.of(), Map.of()), "kubectl get pods -A"), "apps");

        assertThat(r.output()).contains("WRITE-DENIED", "STATE-DENIED", "ENGINE-HIDDEN", "pods");
        assertThat(tmp.resolve("outside.txt")).doesNotExist();
        assertThat(state.resolve("errors.json")).content().contains("api_calls");
    }
}
