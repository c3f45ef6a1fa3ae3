package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.StageSpec;
import dev.engine.stage.Cancellation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks run as real shell commands in the workspace, as StageRunner runs them. */
class SuccessChecksTest {
    @TempDir
    Path tmp;

    SuccessChecks checks(Cancellation c) {
        return new SuccessChecks(tmp, Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(30), tmp.resolve("logs"), tmp,
                Clock.systemUTC(), c);
    }

    static StageSpec stage(String... checks) {
        return new StageSpec("talos", "", "exit 99", Optional.empty(), List.of(), Optional.empty(), List.of(checks),
                List.of(), List.of(), List.of(), List.of(), 1);
    }

    @Test
    void passingChecksHoldWithoutRunningTheStageCommandOrWritingALog() throws Exception {
        Files.writeString(tmp.resolve("health"), "ok\n");
        assertThat(checks(new Cancellation()).verify(stage("grep -q ok health", "true"))).isEqualTo(new Drift.Verdict.Holds());
        assertThat(tmp.resolve("logs")).doesNotExist();
    }

    @Test
    void theFirstFailingCheckIsDriftWithItsOutputInADriftLog() throws Exception {
        Drift.Verdict v = checks(new Cancellation()).verify(stage("true", "echo 'node cp-1 NotReady'; exit 4", "touch never-run"));

        assertThat(v).isInstanceOf(Drift.Verdict.Drifted.class);
        Drift.Verdict.Drifted d = (Drift.Verdict.Drifted) v;
        assertThat(d.reason()).isEqualTo("drift: echo 'node cp-1 NotReady'; exit 4 exited 4");
        assertThat(d.exitCode()).isEqualTo(4);
        assertThat(d.log()).matches("logs/talos/talos_\\d{8}-\\d{6}_drift\\.log");
        assertThat(Files.readString(tmp.resolve(d.log()))).contains("node cp-1 NotReady").contains("[engine] drift: echo");
        assertThat(tmp.resolve("never-run")).as("checks after the failing one do not run").doesNotExist();
    }

    @Test
    void aChattyFailingCheckKeepsOnlyTheEndOfItsOutput() throws Exception {
        Drift.Verdict.Drifted d = (Drift.Verdict.Drifted) checks(new Cancellation())
                .verify(stage("for i in $(seq 1 20000); do echo line $i; done; exit 1"));
        String log = Files.readString(tmp.resolve(d.log()));
        assertThat(log).startsWith("[engine] (earlier output dropped").contains("line 20000").doesNotContain("line 1\n");
        assertThat(log.length()).isLessThan(17 * 1024);
    }

    @Test
    void aStopRequestIsNotDrift() throws Exception {
        Cancellation c = new Cancellation();
        c.cancel("SIGTERM");
        assertThat(checks(c).verify(stage("sleep 30"))).isEqualTo(new Drift.Verdict.Interrupted());
    }
}
