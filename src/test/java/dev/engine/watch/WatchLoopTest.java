package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.engine.audit.AuditEvent;
import dev.engine.audit.AuditLog;
import dev.engine.config.StageSpec;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.stage.Cancellation;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cycle logic with real state files and audit trail, and stand-ins for converging and for
 * running checks, so each decision (drift, backoff, give_up, holding back) is seen in isolation.
 */
class WatchLoopTest {
    @TempDir
    Path tmp;

    StateStore state;
    AuditLog audit;
    final List<String> converged = new ArrayList<>();
    /** What the stand-in converge ends each stage with; green when not named. */
    final Map<String, Deque<StageStatus>> outcomes = new HashMap<>();
    /** What the stand-in checks say about each stage; holds when not named. */
    final Map<String, Deque<Drift.Verdict>> verdicts = new HashMap<>();
    final List<Notification> sent = new ArrayList<>();
    final AtomicInteger pending = new AtomicInteger();
    final AtomicInteger prepared = new AtomicInteger();
    final Cancellation cancellation = new Cancellation();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        state = new StateStore(tmp.resolve("state"));
        audit = new AuditLog(tmp.resolve("state"), Clock.systemUTC());
    }

    static StageSpec stage(String name, List<String> checks, String... dependsOn) {
        return new StageSpec(name, "", "true", Optional.empty(), List.of(dependsOn), Optional.empty(), checks, List.of(),
                List.of(), List.of(), List.of(), 1);
    }

    /** Stages whose converge throws, as a damaged checkout would make it. */
    final Map<String, String> broken = new HashMap<>();

    WatchLoop loop(List<StageSpec> order, Duration interval, long maxCycles) {
        WatchLoop.Converger converger = s -> {
            converged.add(s.name());
            if (broken.containsKey(s.name())) {
                throw new IOException(broken.get(s.name()));
            }
            Deque<StageStatus> q = outcomes.get(s.name());
            StageStatus end = q == null || q.isEmpty() ? StageStatus.GREEN : (q.size() == 1 ? q.peek() : q.poll());
            String reason = end == StageStatus.GREEN ? null : "exit code 1";
            state.updateInfo(s.name(), i -> i.withAttemptStarted().withReason(reason));
            if (end == StageStatus.AWAITING_REVIEW) {
                state.awaitReview(s.name(), "c0de", "AI commit c0de waits for review (it changes stages/talos.sh)");
                return new ConvergenceLoop.Report(s.name(), end, "AI commit c0de waits for review (it changes stages/talos.sh)");
            }
            state.setStatus(s.name(), end);
            return new ConvergenceLoop.Report(s.name(), end, reason);
        };
        WatchLoop.Checks checks = s -> {
            Deque<Drift.Verdict> q = verdicts.get(s.name());
            return q == null || q.isEmpty() ? new Drift.Verdict.Holds() : q.poll();
        };
        Notifier notifier = new Notifier() {
            @Override
            public void send(Notification n) {
                sent.add(n);
            }

            @Override
            public Stats stats() {
                return new Stats("http://hooks.test", sent.size(), 0, 0);
            }

            @Override
            public void close() {
            }
        };
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        return new WatchLoop(WatchLoop.Parts.builder().order(order).state(state).audit(audit).converger(converger).checks(checks)
                .beforeConverging(prepared::incrementAndGet).pendingAiCommits(() -> Optional.of(pending.get()))
                .notifier(notifier).metrics(new WatchMetrics(audit.file())).clock(Clock.systemUTC()).cancellation(cancellation)
                .out(ps).err(ps).host("lab-host").build(), new WatchLoop.Options(interval, maxCycles));
    }

    List<AuditEvent> events(String event) throws IOException {
        return audit.read(Optional.empty(), 0).events().stream().filter(e -> e.event().equals(event)).toList();
    }

    @Test
    void greenStagesAreVerifiedNotReRunAndStagesWithoutChecksAreLeftAlone() throws IOException {
        List<StageSpec> order = List.of(stage("vms", List.of("qm status 101")), stage("apps", List.of()));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);
        assertThat(loop.unverifiable()).containsExactly("apps");

        loop.cycle(1);
        assertThat(converged).containsExactly("vms", "apps");
        loop.cycle(2);
        loop.cycle(3);

        assertThat(converged).as("green stages are not converged again").containsExactly("vms", "apps");
        assertThat(prepared.get()).as("the AI branch is synced only in cycles that converge").isEqualTo(1);
        assertThat(events("drift")).isEmpty();
    }

    @Test
    void aFailingCheckIsDriftThatIsAuditedNotifiedAndConvergedInTheSameCycle() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of("talosctl health")), stage("flux", List.of()));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);
        loop.cycle(1);
        converged.clear();
        verdicts.put("talos", new ArrayDeque<>(List.of(
                new Drift.Verdict.Drifted("talosctl health", 1, "drift: talosctl health exited 1", "logs/talos/x_drift.log"))));
        // the converge after the drift records the stage as failed before repairing it: check what drift wrote
        outcomes.put("talos", new ArrayDeque<>(List.of(StageStatus.GREEN)));

        loop.cycle(2);

        assertThat(converged).as("repaired in the same cycle; flux stays green and unverified").containsExactly("talos");
        List<AuditEvent> drift = events("drift");
        assertThat(drift).hasSize(1);
        assertThat(drift.get(0).stage()).isEqualTo("talos");
        assertThat(drift.get(0).details()).containsEntry("reason", "drift: talosctl health exited 1")
                .containsEntry("check", "talosctl health").containsEntry("exit_code", 1);
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("drift");
            assertThat(n.stage()).isEqualTo("talos");
            assertThat(n.reason()).isEqualTo("drift: talosctl health exited 1");
            assertThat(n.host()).isEqualTo("lab-host");
            assertThat(n.time()).isNotBlank();
        });
        assertThat(state.status("talos")).isEqualTo(StageStatus.GREEN);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("talos: drift: talosctl health exited 1; converging it again");
    }

    @Test
    void driftThatTheConvergeCannotRepairLeavesTheStageFailedWithTheDriftReason() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of("talosctl health")));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);
        loop.cycle(1);
        verdicts.put("talos", new ArrayDeque<>(List.of(new Drift.Verdict.Drifted("talosctl health", 3, "drift: talosctl health exited 3", null))));
        // a converger that fails without touching the reason, to see the one drift left
        WatchLoop failing = new WatchLoop(WatchLoop.Parts.builder().order(order).state(state).audit(audit)
                .converger(s -> new ConvergenceLoop.Report(s.name(), StageStatus.FAILED, "exit code 1"))
                .checks(s -> verdicts.get(s.name()).poll()).metrics(new WatchMetrics(audit.file())).clock(Clock.systemUTC())
                .cancellation(cancellation).out(new PrintStream(out)).err(new PrintStream(out)).host("h").build(),
                new WatchLoop.Options(Duration.ofMinutes(5), 0));

        failing.cycle(2);

        assertThat(state.status("talos")).isEqualTo(StageStatus.FAILED);
        assertThat(state.info("talos").reason()).isEqualTo("drift: talosctl health exited 3");
        assertThat(failing.backoff("talos")).isPresent();
    }

    @Test
    void aFailingStageBacksOffExponentiallyInsteadOfRunningEveryCycle() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of()));
        outcomes.put("talos", new ArrayDeque<>(List.of(StageStatus.FAILED)));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);
        List<Long> ranIn = new ArrayList<>();
        for (long c = 1; c <= 20; c++) {
            int before = converged.size();
            loop.cycle(c);
            if (converged.size() > before) {
                ranIn.add(c);
            }
        }
        // 2, 4, 8, then capped at 12 intervals (1 h at 5 m)
        assertThat(ranIn).containsExactly(1L, 3L, 7L, 15L);
        Backoff b = loop.backoff("talos").orElseThrow();
        assertThat(b.failures()).isEqualTo(4);
        assertThat(b.delay()).isEqualTo(Duration.ofHours(1));
        assertThat(b.nextAttemptCycle()).isEqualTo(27);
        assertThat(events("backoff")).hasSize(4);
        assertThat(events("backoff").get(1).details()).containsEntry("failures", 2).containsEntry("next_attempt_cycle", 7);
        assertThat(loop.view().backoff()).containsKey("talos");
    }

    @Test
    void aStageThatIsNotGreenHoldsBackItsDependentsButNotIndependentStages() throws IOException {
        List<StageSpec> order = List.of(stage("vms", List.of()), stage("dns", List.of()), stage("talos", List.of(), "vms"),
                stage("apps", List.of()));
        outcomes.put("vms", new ArrayDeque<>(List.of(StageStatus.FAILED)));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);

        loop.cycle(1);

        // dns has no depends_on: it waits for everything before it, like `run all`
        assertThat(converged).containsExactly("vms");
        assertThat(loop.heldBack()).containsExactly("dns", "talos", "apps");

        List<StageSpec> explicit = List.of(stage("vms", List.of()), stage("dns", List.of(), "net"), stage("talos", List.of(), "vms"));
        converged.clear();
        loop(explicit, Duration.ofMinutes(5), 0).cycle(1);
        assertThat(converged).as("dns says it needs only net, which is unknown: it may go ahead").containsExactly("vms", "dns");
    }

    @Test
    void aStageWhoseConvergeThrowsHoldsBackOnlyWhatDependsOnItAndIsTriedAgainNextCycle() throws IOException {
        List<StageSpec> order = List.of(stage("vms", List.of()), stage("dns", List.of(), "net"), stage("talos", List.of(), "vms"));
        broken.put("vms", "state/checkout: cannot read the AI branch");
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);

        loop.cycle(1);

        assertThat(converged).as("dns does not depend on vms and still converges").containsExactly("vms", "dns");
        assertThat(loop.heldBack()).containsExactly("talos");
        assertThat(events("watch_error")).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("vms");
            assertThat(e.details().get("error").toString()).contains("cannot read the AI branch");
        });
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("engine watch: vms: state/checkout: cannot read the AI branch");

        broken.clear();
        converged.clear();
        loop.cycle(2);
        assertThat(converged).containsExactly("vms", "talos");
    }

    @Test
    void giveUpStagesAreSkippedUntilTheirStatusIsSetBackAndNotifiedOnce() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of()), stage("flux", List.of(), "talos"));
        outcomes.put("talos", new ArrayDeque<>(List.of(StageStatus.GIVE_UP, StageStatus.GREEN)));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);

        loop.cycle(1);
        loop.cycle(2);
        loop.cycle(3);

        assertThat(converged).containsExactly("talos");
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("give_up");
            assertThat(n.stage()).isEqualTo("talos");
        });
        assertThat(loop.heldBack()).containsExactly("talos", "flux");

        state.setStatus("talos", StageStatus.IDLE); // what `engine reset talos` leaves, done while watch was stopped
        loop.cycle(4);

        assertThat(converged).containsExactly("talos", "talos", "flux");
        assertThat(loop.heldBack()).isEmpty();
    }

    @Test
    void aFailedStageSetBackToIdleByHandLosesItsBackoff() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of()));
        outcomes.put("talos", new ArrayDeque<>(List.of(StageStatus.FAILED, StageStatus.GREEN)));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);
        loop.cycle(1);
        assertThat(loop.backoff("talos")).isPresent();

        state.setStatus("talos", StageStatus.IDLE);
        loop.cycle(2);

        assertThat(converged).containsExactly("talos", "talos");
        assertThat(loop.backoff("talos")).isEmpty();
    }

    @Test
    void newAiCommitsWaitingForReviewAreNotifiedWhenTheCountGrows() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of()));
        outcomes.put("talos", new ArrayDeque<>(List.of(StageStatus.FAILED)));
        pending.set(1);
        WatchLoop loop = loop(order, Duration.ofMillis(1), 1);
        loop.run(); // reads the count it starts from, converges once
        assertThat(sent).isEmpty();

        pending.set(3); // an executor or model patch landed on the AI branch during the next converge
        loop.cycle(3);

        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("review_pending");
            assertThat(n.stage()).isEqualTo("talos");
            assertThat(n.reason()).contains("2 new AI commit(s)").contains("3 pending");
        });
    }

    @Test
    void runStopsAfterMaxCyclesAndSaysWhetherAllIsGreen() throws IOException {
        WatchLoop loop = loop(List.of(stage("vms", List.of("true"))), Duration.ofMillis(1), 5);
        WatchLoop.Outcome o = loop.run();
        assertThat(o.cycles()).isEqualTo(5);
        assertThat(o.allGreen()).isTrue();
        assertThat(o.stoppedBySignal()).isFalse();
        assertThat(loop.view().cycles()).isEqualTo(5);
        assertThat(loop.view().cycleRunning()).isFalse();
    }

    @Test
    void aStopRequestWakesTheSleepBetweenCycles() {
        WatchLoop loop = loop(List.of(stage("vms", List.of())), Duration.ofHours(1), 0);
        Thread stopper = new Thread(() -> {
            while (loop.view().nextCycleAt() == null) {
                Thread.onSpinWait();
            }
            cancellation.cancel("SIGTERM");
        });
        stopper.start();
        // an hour-long sleep that ends at once: a hang here is the failure
        WatchLoop.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(60), loop::run);
        assertThat(o.stoppedBySignal()).isTrue();
        assertThat(o.cycles()).isEqualTo(1);
    }

    @Test
    void aCycleThatFailsIsReportedAndTheNextOneStillRuns() throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("state"));
        java.nio.file.Files.writeString(tmp.resolve("state/stage_status.json"), "{ not json");
        WatchLoop loop = loop(List.of(stage("vms", List.of())), Duration.ofMillis(1), 2);

        WatchLoop.Outcome o = loop.run();

        assertThat(o.cycles()).isEqualTo(2);
        assertThat(o.allGreen()).isFalse();
        assertThat(events("watch_error")).hasSize(2);
        assertThat(events("watch_error").get(0).details().get("error").toString()).contains("stage_status.json");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("engine watch: cycle 2 failed: ").contains("trying again next cycle");
    }

    @Test
    void aStageAwaitingReviewIsNotifiedOnceNeverBackedOffAndAskedAgainEachCycle() throws IOException {
        List<StageSpec> order = List.of(stage("talos", List.of()), stage("flux", List.of(), "talos"));
        outcomes.put("talos", new ArrayDeque<>(List.of(StageStatus.AWAITING_REVIEW)));
        WatchLoop loop = loop(order, Duration.ofMinutes(5), 0);

        loop.cycle(1);
        loop.cycle(2);
        loop.cycle(3);

        // Each cycle asks again (so an approval made meanwhile is seen); flux waits behind it.
        assertThat(converged).containsExactly("talos", "talos", "talos");
        assertThat(sent).filteredOn(n -> n.event().equals(Notification.AWAITING_REVIEW)).hasSize(1)
                .first().extracting(Notification::reason).asString().contains("waits for review");
        assertThat(events("backoff")).isEmpty();
        assertThat(state.status("talos")).isEqualTo(StageStatus.AWAITING_REVIEW);
    }
}
