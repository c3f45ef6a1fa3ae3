package dev.engine.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.audit.AuditLog;
import dev.engine.config.StageSpec;
import dev.engine.escalation.EscalationOutcome;
import dev.engine.escalation.EscalationRequest;
import dev.engine.escalation.Escalator;
import dev.engine.executor.Executor;
import dev.engine.executor.ExecutorOutcome;
import dev.engine.executor.ExecutorRequest;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.stage.Attempts;
import dev.engine.stage.Cancellation;
import dev.engine.stage.StageResult;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convergence loop as a specification: for each observation, the decision it makes and the
 * effect that decision has on status, stage info, counters and the audit trail. Runner, executor,
 * escalator, review gate and clock are fakes; state and audit are the real files.
 */
class ConvergenceLoopTest {
    static final StageSpec TALOS = new StageSpec("talos", "", "stages/talos.sh", Optional.empty(), List.of(), Optional.empty(),
            List.of(), List.of("stages/talos.sh"), List.of(), List.of(), List.of(), 1);
    static final String PASS = "PASS";
    static final String ETCD = "error: etcd is unhealthy on 10.0.0.5:2379";
    static final String TLS = "error: x509: certificate signed by unknown authority";

    @TempDir
    Path home;
    StateStore state;
    AuditLog audit;
    ScriptedAttempts attempts;
    FakeExecutor executor;
    FakeEscalator escalator;
    Set<String> held;
    Cancellation cancellation;
    ByteArrayOutputStream printed;
    Policy policy;

    @BeforeEach
    void setUp() {
        state = new StateStore(home.resolve("state"));
        Clock clock = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);
        audit = new AuditLog(home.resolve("state"), clock);
        attempts = new ScriptedAttempts();
        executor = new FakeExecutor();
        escalator = new FakeEscalator();
        held = new HashSet<>();
        cancellation = new Cancellation();
        printed = new ByteArrayOutputStream();
        policy = new Policy(3, 3, 9, 20, Optional.empty());
    }

    ConvergenceLoop loop() {
        return new ConvergenceLoop(ConvergenceLoop.Parts.builder().state(state).audit(audit).runner(attempts)
                .fingerprinter(new Fingerprinter(100)).executor(executor).escalator(escalator).clock(Clock.systemUTC())
                .cancellation(cancellation).out(new PrintStream(printed, true, StandardCharsets.UTF_8))
                .logsDir(home.resolve("logs")).home(home).allStages(List.of("talos"))
                .holds(commit -> held.contains(commit)
                        ? Optional.of("AI commit " + commit + " changes stages/talos.sh") : Optional.empty())
                .build());
    }

    List<String> events() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(audit.file())) {
            JsonNode n = json.readTree(line);
            String e = n.path("event").asText();
            out.add(e.equals("decision") ? "decision:" + n.path("details").path("decision").asText() : e);
        }
        return out;
    }

    int apiCalls() throws IOException {
        return state.errorsOf("talos", List.of("talos")).values().stream().mapToInt(r -> r.apiCalls()).sum();
    }

    @Test
    void passingAtOnceIsGreenWithNothingElseTried() throws Exception {
        attempts.then(PASS);

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.GREEN);
        assertThat(state.status("talos")).isEqualTo(StageStatus.GREEN);
        assertThat(executor.calls).isZero();
        assertThat(escalator.requests).isEmpty();
        assertThat(events()).containsExactly("attempt_started", "attempt_finished", "decision:Green", "green");
    }

    @Test
    void aNewFailureGoesToTheExecutorThenTheStageRunsAgain() throws Exception {
        attempts.then(ETCD, PASS);

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.green()).isTrue();
        assertThat(executor.calls).isEqualTo(1);
        assertThat(events()).containsSubsequence("fingerprint", "decision:RunExecutor", "executor", "attempt_started", "green");
        // A green stage forgets its failures: errors.json holds no entry of it any more.
        assertThat(state.errorsOf("talos", List.of("talos"))).isEmpty();
    }

    @Test
    void aFailureSeenThresholdTimesIsEscalatedAndAModelPatchIsRunAtOnce() throws Exception {
        attempts.then(ETCD, ETCD, ETCD, PASS);
        escalator.then(new EscalationOutcome.PatchApplied("fixed", "c0ffee", 900));

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.green()).isTrue();
        assertThat(executor.calls).isEqualTo(2);
        assertThat(escalator.requests).hasSize(1);
        assertThat(escalator.requests.get(0).apiCallsUsed()).isZero();
        assertThat(events()).containsSubsequence("decision:Escalate", "escalation", "decision:RunStage", "attempt_started", "green");
        assertThat(state.info("talos").apiCalls()).as("kept in stage_info after green").isEqualTo(1);
    }

    @Test
    void aModelSayingAHumanIsNeededGivesUpAndTheNextRunRefuses() throws Exception {
        attempts.then(ETCD, ETCD, ETCD);
        escalator.then(new EscalationOutcome.NeedsHuman("the disk is gone", 100));

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.GIVE_UP);
        assertThat(state.info("talos").reason()).contains("a human is needed", "the disk is gone");
        ConvergenceLoop.Report again = loop().converge(TALOS, policy);
        assertThat(again.status()).isEqualTo(StageStatus.GIVE_UP);
        assertThat(attempts.run).as("nothing ran on the second converge").isEqualTo(3);
        assertThat(events()).endsWith("refused");
    }

    @Test
    void answersThatLeadNowhereAreRetriedOnlyWithinTheBudgetThenGiveUp() throws Exception {
        attempts.then(ETCD, ETCD, ETCD);
        for (int i = 0; i < 5; i++) {
            escalator.then(new EscalationOutcome.Refused("patch refused", 50));
        }

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.GIVE_UP);
        assertThat(escalator.requests).hasSize(3);
        assertThat(apiCalls()).isEqualTo(3);
        assertThat(r.reason()).contains("budget spent", "3/3");
    }

    @Test
    void diagnosticsAreOneStepAndTheNextCaseVersionContinuesTheSameThreadWithinTheBudget() throws Exception {
        attempts.then(ETCD, ETCD, ETCD, PASS);
        dev.engine.escalation.CaseThread v2 = dev.engine.escalation.CaseThread.first("talos_20261206-120000").next(List.of(), List.of());
        escalator.then(new EscalationOutcome.DiagnosticsCollected("diagnostics: 1 ran", 300, v2));
        escalator.then(new EscalationOutcome.PatchApplied("fixed", "c0ffee", 900));

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.green()).isTrue();
        assertThat(escalator.requests).hasSize(2);
        assertThat(escalator.requests.get(0).thread()).isEmpty();
        assertThat(escalator.requests.get(1).thread()).contains(v2);
        assertThat(escalator.requests.get(1).apiCallsUsed()).isEqualTo(1);
        assertThat(events()).containsSubsequence("escalation", "decision:Escalate", "escalation", "decision:RunStage", "green");
    }

    @Test
    void diagnosticsWithTheBudgetSpentEndInGiveUpWithoutAnotherCall() throws Exception {
        policy = new Policy(3, 1, 9, 20, Optional.empty());
        attempts.then(ETCD, ETCD, ETCD);
        escalator.then(new EscalationOutcome.DiagnosticsCollected("diagnostics: 1 ran", 300,
                dev.engine.escalation.CaseThread.first("p").next(List.of(), List.of())));

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.GIVE_UP);
        assertThat(escalator.requests).hasSize(1);
        assertThat(r.reason()).contains("budget spent", "1/1");
    }

    @Test
    void anUnreachableModelStopsTheRunWithTheStageFailedNotGivenUp() throws Exception {
        attempts.then(ETCD, ETCD, ETCD);
        escalator.then(new EscalationOutcome.Unreachable("connection refused", 0));

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.FAILED);
        assertThat(r.reason()).contains("could not be reached");
    }

    @Test
    void withoutEscalationAFailureOutlastingTheExecutorGivesUp() throws Exception {
        attempts.then(ETCD, ETCD, ETCD);
        policy = new Policy(3, 3, 9, 20, Optional.of("OPENAI_API_KEY is not set"));

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.GIVE_UP);
        assertThat(r.reason()).contains("escalation is unavailable", "OPENAI_API_KEY");
        assertThat(escalator.requests).isEmpty();
    }

    @Test
    void theAttemptCapOfARunLeavesTheStageFailedForTheNextRun() throws Exception {
        policy = new Policy(50, 3, 9, 4, Optional.empty());
        attempts.then(ETCD, TLS, ETCD, TLS);

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.FAILED);
        assertThat(r.reason()).contains("attempt limit");
        assertThat(attempts.run).isEqualTo(4);
    }

    @Test
    void anInterruptedAttemptLeavesTheStageIdleAndUncounted() throws Exception {
        attempts.interruptAt(1);

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.IDLE);
        assertThat(state.errorsOf("talos", List.of("talos"))).isEmpty();
        assertThat(events()).endsWith("interrupted");
    }

    @Test
    void aModelPatchThatChangesCodeWaitsForReviewAndNothingRunsItUntilTheHoldEnds() throws Exception {
        attempts.then(ETCD, ETCD, ETCD, PASS);
        escalator.then(new EscalationOutcome.PatchApplied("rewrote the script", "bad5c417", 900));
        held.add("bad5c417");

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.AWAITING_REVIEW);
        assertThat(state.status("talos")).isEqualTo(StageStatus.AWAITING_REVIEW);
        assertThat(state.fileStatuses().get("talos")).as("the bash loop's file").isEqualTo(StageStatus.FAILED);
        assertThat(state.info("talos").heldCommit()).isEqualTo("bad5c417");
        assertThat(attempts.run).isEqualTo(3);
        assertThat(events()).containsSubsequence("escalation", "decision:AwaitReview", "awaiting_review");

        // Still held: refused, nothing runs, and no new audit line on every watch cycle.
        int lines = events().size();
        assertThat(loop().converge(TALOS, policy).status()).isEqualTo(StageStatus.AWAITING_REVIEW);
        assertThat(attempts.run).isEqualTo(3);
        assertThat(events()).hasSize(lines);

        // A human approved it (no longer held): the stage runs again.
        held.clear();
        ConvergenceLoop.Report after = loop().converge(TALOS, policy);
        assertThat(after.green()).isTrue();
        assertThat(state.info("talos").heldCommit()).isNull();
        assertThat(events()).contains("review_settled");
    }

    @Test
    void anExecutorPatchThatChangesCodeWaitsForReviewToo() throws Exception {
        attempts.then(ETCD, PASS);
        executor.then(new ExecutorOutcome.Applied("edited stages/talos.sh", "e1ec0de"));
        held.add("e1ec0de");

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.AWAITING_REVIEW);
        assertThat(attempts.run).isEqualTo(1);
    }

    @Test
    void aStopRequestedDuringTheExecutorEndsTheRunBeforeAnotherAttempt() throws Exception {
        attempts.then(ETCD, PASS);
        executor.onCall = () -> cancellation.cancel("SIGTERM");

        ConvergenceLoop.Report r = loop().converge(TALOS, policy);

        assertThat(r.status()).isEqualTo(StageStatus.FAILED);
        assertThat(attempts.run).isEqualTo(1);
        assertThat(events()).endsWith("interrupted");
    }

    // ---- fakes ---------------------------------------------------------------------------------

    /** Plays a script of attempt outcomes: PASS, or the text a failing stage prints. */
    static final class ScriptedAttempts implements Attempts {
        final Deque<String> script = new ArrayDeque<>();
        int run;
        int interruptAt = -1;

        void then(String... outcomes) {
            script.addAll(List.of(outcomes));
        }

        void interruptAt(int n) {
            interruptAt = n;
        }

        @Override
        public StageResult run(StageSpec stage, int attempt, Path logsDir, Cancellation c, java.util.function.LongConsumer started)
                throws IOException {
            run++;
            Path log = logsDir.resolve(stage.name()).resolve(stage.name() + "_attempt" + attempt + ".log");
            Files.createDirectories(log.getParent());
            if (run == interruptAt) {
                Files.writeString(log, "[engine] finished exit=interrupted\n");
                return new StageResult(StageResult.Outcome.INTERRUPTED, Optional.empty(), Duration.ofMillis(5), log, "stopped");
            }
            String next = script.isEmpty() ? "error: the script ran out" : script.poll();
            if (next.equals(PASS)) {
                Files.writeString(log, "ok\n[engine] finished exit=0\n");
                return new StageResult(StageResult.Outcome.PASSED, Optional.of(0), Duration.ofMillis(5), log, "");
            }
            // What differs between runs of one failure: the time and the attempt number.
            Files.writeString(log, "2026-12-06T12:00:0" + (attempt % 10) + "Z attempt " + attempt + "\n" + next + "\n[engine] finished exit=1\n");
            return new StageResult(StageResult.Outcome.FAILED, Optional.of(1), Duration.ofMillis(5), log, "exit code 1");
        }
    }

    static final class FakeExecutor implements Executor {
        final Deque<ExecutorOutcome> script = new ArrayDeque<>();
        int calls;
        Runnable onCall = () -> { };

        void then(ExecutorOutcome o) {
            script.add(o);
        }

        @Override
        public ExecutorOutcome attempt(ExecutorRequest request) {
            calls++;
            onCall.run();
            return script.isEmpty() ? new ExecutorOutcome.NoChange("nothing to change") : script.poll();
        }
    }

    /** Answers from a script and, like the real one, reserves each call in errors.json first (I6). */
    final class FakeEscalator implements Escalator {
        final Deque<EscalationOutcome> script = new ArrayDeque<>();
        final List<EscalationRequest> requests = new ArrayList<>();

        void then(EscalationOutcome o) {
            script.add(o);
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public EscalationOutcome escalate(EscalationRequest request) throws IOException {
            requests.add(request);
            String now = Instant.now().toString();
            state.updateError("talos", request.fingerprint(), now, r -> r.withReservedCall(now));
            return script.isEmpty() ? new EscalationOutcome.Refused("no answer scripted", 0) : script.poll();
        }
    }
}
