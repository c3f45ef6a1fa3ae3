package dev.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.escalation.EscalationOutcome;
import dev.engine.reconcile.Observation.Attempt;
import dev.engine.state.StageStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    private static final Policy NO_ESCALATION = new Policy(3, 3, 9, 20, Optional.of("OPENAI_API_KEY is not set"));
    private static final Policy ESCALATION = new Policy(3, 3, 9, 20, Optional.empty());

    private static Observation before(StageStatus status) {
        return new Observation("talos", status, "budget spent", Optional.empty(), 0);
    }

    private static Observation failed(int fpAttempts, int fpCalls, int stageCalls, int runAttempts) {
        return new Observation("talos", StageStatus.FAILED, null,
                Optional.of(new Attempt(Attempt.Kind.FAILED, "abc123", fpAttempts, fpCalls, stageCalls, "exit code 1")), runAttempts);
    }

    @Test
    void a_stage_that_is_not_give_up_is_run() {
        for (StageStatus s : new StageStatus[] {StageStatus.IDLE, StageStatus.FAILED, StageStatus.GREEN, StageStatus.RUNNING}) {
            assertThat(Reconciler.decide(before(s), NO_ESCALATION)).isInstanceOf(Decision.RunStage.class);
        }
    }

    @Test
    void a_give_up_stage_is_refused_with_its_reason_and_the_reset_command() {
        Decision d = Reconciler.decide(before(StageStatus.GIVE_UP), NO_ESCALATION);
        assertThat(d).isInstanceOf(Decision.Refuse.class);
        assertThat(((Decision.Refuse) d).reason()).contains("budget spent").contains("engine reset talos");
    }

    @Test
    void passing_is_green() {
        Observation o = new Observation("talos", StageStatus.FAILED, null,
                Optional.of(new Attempt(Attempt.Kind.PASSED, null, 0, 0, 0, "")), 4);
        assertThat(Reconciler.decide(o, NO_ESCALATION)).isEqualTo(new Decision.Green());
    }

    @Test
    void a_new_failure_goes_to_the_executor_until_the_threshold() {
        assertThat(Reconciler.decide(failed(1, 0, 0, 1), NO_ESCALATION)).isEqualTo(new Decision.RunExecutor("abc123", 1));
        assertThat(Reconciler.decide(failed(2, 0, 0, 2), NO_ESCALATION)).isEqualTo(new Decision.RunExecutor("abc123", 2));
    }

    @Test
    void at_the_threshold_without_escalation_the_stage_gives_up_naming_why() {
        Decision d = Reconciler.decide(failed(3, 0, 0, 3), NO_ESCALATION);
        assertThat(d).isInstanceOf(Decision.GiveUp.class);
        assertThat(((Decision.GiveUp) d).reason()).contains("abc123").contains("OPENAI_API_KEY is not set");
    }

    @Test
    void at_the_threshold_with_escalation_available_it_escalates_until_the_budget_is_spent() {
        assertThat(Reconciler.decide(failed(3, 0, 0, 3), ESCALATION)).isEqualTo(new Decision.Escalate("abc123", 0));
        assertThat(Reconciler.decide(failed(5, 2, 2, 5), ESCALATION)).isEqualTo(new Decision.Escalate("abc123", 2));
        Decision spent = Reconciler.decide(failed(6, 3, 3, 6), ESCALATION);
        assertThat(spent).isInstanceOf(Decision.GiveUp.class);
        assertThat(((Decision.GiveUp) spent).reason()).contains("3/3");
    }

    @Test
    void the_per_stage_cap_holds_across_fingerprints() {
        Decision d = Reconciler.decide(failed(3, 0, 9, 3), ESCALATION);
        assertThat(d).isInstanceOf(Decision.GiveUp.class);
        assertThat(((Decision.GiveUp) d).reason()).contains("per-stage").contains("9/9");
    }

    @Test
    void the_attempt_limit_of_a_run_stops_with_the_stage_failed() {
        Decision d = Reconciler.decide(failed(1, 0, 0, 20), NO_ESCALATION);
        assertThat(d).isInstanceOf(Decision.Stop.class);
        assertThat(((Decision.Stop) d).reason()).contains("20 attempts");
    }

    @Test
    void give_up_wins_over_the_attempt_limit_because_it_says_more() {
        assertThat(Reconciler.decide(failed(3, 0, 0, 20), NO_ESCALATION)).isInstanceOf(Decision.GiveUp.class);
    }

    @Test
    void an_interrupted_attempt_stops_without_counting_as_a_failure() {
        Observation o = new Observation("talos", StageStatus.IDLE, null,
                Optional.of(new Attempt(Attempt.Kind.INTERRUPTED, null, 0, 0, 0, "SIGTERM")), 1);
        assertThat(Reconciler.decide(o, NO_ESCALATION)).isInstanceOf(Decision.Stop.class);
    }

    @Test
    void a_threshold_of_zero_escalates_at_once() {
        Policy p = new Policy(0, 3, 9, 20, Optional.empty());
        assertThat(Reconciler.decide(failed(1, 0, 0, 1), p)).isInstanceOf(Decision.Escalate.class);
    }

    private static Attempt spent(int fpCalls, int stageCalls) {
        return new Attempt(Attempt.Kind.FAILED, "abc123", 3, fpCalls, stageCalls, "exit code 1");
    }

    @Test
    void a_committed_model_patch_re_runs_the_stage() {
        assertThat(Reconciler.afterEscalation(new EscalationOutcome.PatchApplied("fix", "c0ffee", 10), spent(1, 1), ESCALATION))
                .isEqualTo(new Decision.RunStage());
    }

    @Test
    void a_model_that_asks_for_a_human_gives_up_at_once_even_with_budget_left() {
        Decision d = Reconciler.afterEscalation(new EscalationOutcome.NeedsHuman("BIOS setting", 10), spent(1, 1), ESCALATION);
        assertThat(d).isInstanceOf(Decision.GiveUp.class);
        assertThat(((Decision.GiveUp) d).reason()).contains("human").contains("BIOS setting");
    }

    @Test
    void an_answer_that_led_nowhere_is_escalated_again_only_while_the_budget_lasts() {
        EscalationOutcome noFix = new EscalationOutcome.Refused("patch refused", 10);
        assertThat(Reconciler.afterEscalation(noFix, spent(1, 1), ESCALATION)).isEqualTo(new Decision.Escalate("abc123", 1));
        assertThat(Reconciler.afterEscalation(noFix, spent(3, 3), ESCALATION)).isInstanceOf(Decision.GiveUp.class);
        assertThat(Reconciler.afterEscalation(noFix, spent(1, 9), ESCALATION)).isInstanceOf(Decision.GiveUp.class);
    }

    @Test
    void an_unreachable_model_stops_the_run_instead_of_burning_the_budget() {
        Decision d = Reconciler.afterEscalation(new EscalationOutcome.Unreachable("connection refused", 0), spent(1, 1), ESCALATION);
        assertThat(d).isInstanceOf(Decision.Stop.class);
        assertThat(((Decision.Stop) d).reason()).contains("connection refused");
    }
}
