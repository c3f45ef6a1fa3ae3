package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.StageSpec;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.stage.Cancellation;
import dev.engine.stage.StageResult;
import dev.engine.stage.StageRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A stage with {@code host:} run by StageRunner against a real sshd: its log, its outcome, its fingerprint. */
class SshStageRunnerTest {
    @RegisterExtension
    static final Sshd SSHD = new Sshd();

    @TempDir
    Path tmp;
    Path workspace;
    Path logs;
    Path knownHosts;

    @BeforeEach
    void setUp() throws Exception {
        workspace = Files.createDirectories(tmp.resolve("workspace"));
        logs = tmp.resolve("logs");
        knownHosts = SSHD.knownHosts(tmp);
    }

    private StageResult run(StageSpec stage, SshOptions ssh) throws Exception {
        return run(stage, ssh, new Cancellation());
    }

    private StageResult run(StageSpec stage, SshOptions ssh, Cancellation cancellation) throws Exception {
        StageRunner runner = new StageRunner(StageRunner.Options.builder().cwd(workspace).env(Map.of("PATH", System.getenv("PATH")))
                .defaultTimeout(Duration.ofMinutes(2)).console(new PrintStream(new ByteArrayOutputStream()))
                .clock(Clock.systemUTC()).ssh(ssh).uncontained().build());
        return runner.run(stage, 1, logs, cancellation);
    }

    private static StageSpec stage(String host, String command, Optional<Duration> timeout, String... checks) {
        return new StageSpec("pve", "remote stage", command, Optional.of(host), List.of(), timeout, List.of(checks),
                List.of(), List.of(), List.of(), List.of(), 1);
    }

    private StageSpec stage(String command, String... checks) {
        return stage(SSHD.target().toString(), command, Optional.empty(), checks);
    }

    private static List<String> lines(StageResult r) throws Exception {
        return Files.readAllLines(r.log());
    }

    @Test
    void a_remote_stage_that_passes_has_the_usual_header_and_trailer_and_runs_its_checks_locally() throws Exception {
        Files.writeString(workspace.resolve("marker"), "");

        StageResult r = run(stage("echo remote-$((6*7)); pwd", "pwd; test -f marker"), SSHD.options(knownHosts));

        List<String> log = lines(r);
        assertThat(r.outcome()).isEqualTo(StageResult.Outcome.PASSED);
        assertThat(r.exitCode()).contains(0);
        assertThat(log.get(0)).startsWith("[engine] stage pve started ").endsWith(": echo remote-$((6*7)); pwd");
        assertThat(log).contains("[engine] ssh: running on " + SSHD.target() + " (remote user's home directory and environment)",
                "remote-42",
                System.getProperty("user.home"),
                "[engine] success check: pwd; test -f marker",
                workspace.toString());
        assertThat(log.get(log.size() - 1)).matches("\\[engine] finished \\S+ exit=0 duration=\\S+");
    }

    @Test
    void a_remote_stage_that_fails_carries_the_remote_exit_code_and_skips_its_checks() throws Exception {
        StageResult r = run(stage("echo broken >&2; exit 7", "echo check-ran"), SSHD.options(knownHosts));

        List<String> log = lines(r);
        assertThat(r.outcome()).isEqualTo(StageResult.Outcome.FAILED);
        assertThat(r.exitCode()).contains(7);
        assertThat(log).contains("broken").doesNotContain("check-ran");
        assertThat(log.get(log.size() - 1)).matches("\\[engine] finished \\S+ exit=7 duration=\\S+");
    }

    @Test
    void a_remote_stage_over_its_timeout_times_out() throws Exception {
        String sleep = SshRunnerTest.uniqueSleep();

        StageResult r = run(stage(SSHD.target().toString(), "echo begin; " + sleep, Optional.of(Duration.ofSeconds(2))),
                SSHD.options(knownHosts));

        List<String> log = lines(r);
        assertThat(r.outcome()).isEqualTo(StageResult.Outcome.TIMED_OUT);
        assertThat(log).contains("begin",
                "[engine] stage command timed out after 2s; remote command sent SIGTERM, then SIGKILL, and the SSH channel closed");
        assertThat(log.get(log.size() - 1)).matches("\\[engine] finished \\S+ exit=timeout duration=\\S+");
        SshRunnerTest.awaitTrue("the remote command to be stopped", () -> SshRunnerTest.running(sleep).isEmpty());
    }

    @Test
    void a_stop_request_interrupts_a_remote_stage() throws Exception {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel("SIGTERM");

        StageResult r = run(stage("echo never"), SSHD.options(knownHosts), cancellation);

        assertThat(r.outcome()).isEqualTo(StageResult.Outcome.INTERRUPTED);
        assertThat(lines(r)).doesNotContain("never");
    }

    @Test
    void ssh_failures_are_failed_attempts_with_one_stable_fingerprint_per_kind() throws Exception {
        Files.writeString(knownHosts, "");
        SshOptions unknownHost = SSHD.options(knownHosts);
        Path wrongKey = Sshd.keygen("ed25519", tmp.resolve("wrong"));
        Path trusted = Files.writeString(tmp.resolve("trusted_hosts"), SSHD.knownHostsLine() + "\n");
        SshOptions wrongKeyOptions = new SshOptions(trusted, Optional.of(wrongKey), Duration.ofSeconds(10));
        Fingerprinter fingerprinter = new Fingerprinter(100);

        StageResult unknown1 = run(stage("echo never"), unknownHost);
        StageResult unknown2 = run(stage("echo never"), unknownHost);
        StageResult auth = run(stage("echo never"), wrongKeyOptions);

        for (StageResult r : List.of(unknown1, unknown2, auth)) {
            assertThat(r.outcome()).isEqualTo(StageResult.Outcome.FAILED);
            assertThat(r.exitCode()).isEmpty();
            assertThat(lines(r).get(lines(r).size() - 1)).matches("\\[engine] finished \\S+ exit=-1 duration=\\S+");
        }
        assertThat(lines(unknown1)).anyMatch(l -> l.startsWith("[engine] ssh: unknown host key for [127.0.0.1]:" + SSHD.port()));
        assertThat(unknown1.detail()).startsWith("ssh: unknown host key for");
        assertThat(lines(auth)).anyMatch(l -> l.startsWith("[engine] ssh: authentication failed for " + SSHD.target()));
        assertThat(fingerprinter.of(unknown1.log()).hash()).as("same failure, same fingerprint")
                .isEqualTo(fingerprinter.of(unknown2.log()).hash())
                .as("different failure kinds, different fingerprints")
                .isNotEqualTo(fingerprinter.of(auth.log()).hash());
    }

    @Test
    void an_unreachable_host_and_a_changed_key_fingerprint_apart_too() throws Exception {
        Fingerprinter fingerprinter = new Fingerprinter(100);
        Sshd.keygen("ed25519", tmp.resolve("impostor"));
        Path changed = Files.writeString(tmp.resolve("changed_hosts"),
                SSHD.target().knownHostsName() + " " + Sshd.publicKeyOf(tmp.resolve("impostor.pub")) + "\n");
        String nobody = SSHD.target().user() + "@127.0.0.1:" + Sshd.freePort();

        StageResult unreachable = run(stage(nobody, "true", Optional.empty()), SSHD.options(knownHosts));
        StageResult changedKey = run(stage("true"), SSHD.options(changed));

        assertThat(lines(unreachable)).anyMatch(l -> l.startsWith("[engine] ssh: cannot reach 127.0.0.1:"));
        assertThat(lines(changedKey)).anyMatch(l -> l.startsWith("[engine] ssh: host key CHANGED for"));
        assertThat(fingerprinter.of(unreachable.log()).hash()).isNotEqualTo(fingerprinter.of(changedKey.log()).hash());
    }

    @Test
    void an_invalid_host_is_not_started_and_says_what_is_expected() throws Exception {
        StageResult r = run(stage("pve.lan", "true", Optional.empty()), SSHD.options(knownHosts));

        assertThat(r.outcome()).isEqualTo(StageResult.Outcome.NOT_STARTED);
        assertThat(r.detail()).contains("user@host[:port]");
        assertThat(lines(r)).anyMatch(l -> l.startsWith("[engine] ssh: invalid host: 'pve.lan' has no user"));
    }
}
