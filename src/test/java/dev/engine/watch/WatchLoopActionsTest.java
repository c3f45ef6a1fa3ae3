package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.audit.AuditLog;
import dev.engine.config.StageSpec;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.stage.Cancellation;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Actions handed to watch (reset, approve, reject) run on its thread between stages, never during one. */
class WatchLoopActionsTest {
    @TempDir
    Path tmp;
    final List<String> trace = new CopyOnWriteArrayList<>();
    final ActionQueue actions = new ActionQueue();
    final Cancellation cancellation = new Cancellation();

    ActionQueue.Task task(String name, CountDownLatch done) {
        return new ActionQueue.Task() {
            @Override
            public void run() {
                trace.add("action " + name);
                done.countDown();
            }

            @Override
            public void abandon(String why) {
                trace.add("abandoned " + name + ": " + why);
            }
        };
    }

    WatchLoop loop(WatchLoop.Converger converger, Duration interval, long maxCycles) {
        StateStore state = new StateStore(tmp.resolve("state"));
        AuditLog audit = new AuditLog(tmp.resolve("state"), Clock.systemUTC());
        List<StageSpec> order = List.of(stage("a"), stage("b"));
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new WatchLoop(WatchLoop.Parts.builder().order(order).state(state).audit(audit).converger(converger)
                .checks(s -> new Drift.Verdict.Holds()).metrics(new WatchMetrics(audit.file())).clock(Clock.systemUTC())
                .cancellation(cancellation).out(ps).err(ps).host("h").build(),
                new WatchLoop.Options(interval, maxCycles), actions);
    }

    static StageSpec stage(String name) {
        return new StageSpec(name, "", "true", Optional.empty(), List.of(), Optional.empty(), List.of(), List.of(),
                List.of(), List.of(), List.of(), 1);
    }

    @Test
    void anActionHandedInWhileAStageConvergesRunsAfterItAndBeforeTheNext() {
        CountDownLatch done = new CountDownLatch(1);
        WatchLoop loop = loop(s -> {
            trace.add("converge " + s.name() + " start");
            if (s.name().equals("a")) {
                actions.submit(task("reset", done)); // arrives mid-stage, as over the control channel
            }
            trace.add("converge " + s.name() + " end");
            return new ConvergenceLoop.Report(s.name(), StageStatus.GREEN, null);
        }, Duration.ofMillis(10), 1);
        loop.run();
        assertThat(trace).containsExactly("converge a start", "converge a end", "action reset", "converge b start", "converge b end");
    }

    @Test
    void anActionHandedInWhileWatchSleepsRunsAtOnceAndStartsTheNextCycle() throws Exception {
        CountDownLatch firstCycle = new CountDownLatch(2);
        WatchLoop loop = loop(s -> {
            trace.add("converge " + s.name());
            firstCycle.countDown();
            return new ConvergenceLoop.Report(s.name(), StageStatus.GREEN, null);
        }, Duration.ofHours(1), 2);
        Thread t = new Thread(loop::run);
        t.start();
        assertThat(firstCycle.await(20, TimeUnit.SECONDS)).isTrue();
        CountDownLatch done = new CountDownLatch(1);
        actions.submit(task("approve", done));
        assertThat(done.await(20, TimeUnit.SECONDS)).as("done while asleep, not an hour later").isTrue();
        t.join(20_000);
        assertThat(t.isAlive()).as("the second of two cycles followed at once, not after the hour").isFalse();
        assertThat(trace).containsExactly("converge a", "converge b", "action approve", "converge a", "converge b");
    }

    @Test
    void whatIsStillQueuedWhenWatchStopsIsAbandonedAndNothingMoreIsTaken() {
        actions.close("engine watch stopped");
        CountDownLatch done = new CountDownLatch(1);
        try {
            actions.submit(task("late", done));
        } catch (IllegalStateException e) {
            trace.add("refused: " + e.getMessage());
        }
        assertThat(trace).containsExactly("refused: engine watch stopped");
    }
}
