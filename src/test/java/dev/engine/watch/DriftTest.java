package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.stage.CommandOutcome;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DriftTest {
    private static final Duration T = Duration.ofSeconds(30);
    private static final String CHECK = "kubectl get nodes";

    private static CommandOutcome exit(int code) {
        return new CommandOutcome(Optional.of(code), false, false, Duration.ofMillis(5), Optional.empty());
    }

    @Test
    void aPassingCheckDecidesNothing() {
        assertThat(Drift.judge(CHECK, exit(0), T)).isEmpty();
    }

    @Test
    void aFailingCheckIsDriftNamingTheCheckAndItsExitCode() {
        Drift.Verdict v = Drift.judge(CHECK, exit(7), T).orElseThrow();
        assertThat(v).isInstanceOf(Drift.Verdict.Drifted.class);
        Drift.Verdict.Drifted d = (Drift.Verdict.Drifted) v;
        assertThat(d.reason()).isEqualTo("drift: kubectl get nodes exited 7");
        assertThat(d.check()).isEqualTo(CHECK);
        assertThat(d.exitCode()).isEqualTo(7);
    }

    @Test
    void aCheckThatTimesOutOrCannotStartIsDriftToo() {
        CommandOutcome timedOut = new CommandOutcome(Optional.empty(), true, false, T, Optional.empty());
        assertThat(((Drift.Verdict.Drifted) Drift.judge(CHECK, timedOut, T).orElseThrow()).reason())
                .isEqualTo("drift: kubectl get nodes timed out after 30s");
        CommandOutcome noStart = new CommandOutcome(Optional.empty(), false, false, Duration.ZERO, Optional.of("No such file or directory"));
        Drift.Verdict.Drifted d = (Drift.Verdict.Drifted) Drift.judge(CHECK, noStart, T).orElseThrow();
        assertThat(d.reason()).isEqualTo("drift: kubectl get nodes could not be started: No such file or directory");
        assertThat(d.exitCode()).isNull();
    }

    @Test
    void aCheckStoppedBecauseTheEngineStopsSaysNothingAboutTheStage() {
        CommandOutcome stopped = new CommandOutcome(Optional.empty(), false, true, Duration.ofMillis(5), Optional.empty());
        assertThat(Drift.judge(CHECK, stopped, T)).contains(new Drift.Verdict.Interrupted());
    }
}
