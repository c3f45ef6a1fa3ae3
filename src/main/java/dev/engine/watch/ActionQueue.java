package dev.engine.watch;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Human actions (reset, approve, reject) handed to a running watch, by the CLI over the control
 * channel or by the console. They are performed on watch's own thread, between two stages or
 * while it sleeps between cycles, never while a stage is converging: the action then sees and
 * changes state that nothing else is changing.
 */
public final class ActionQueue {
    /** One handed-in action. */
    public interface Task {
        void run();

        /** Watch stopped before it could run the task. */
        void abandon(String why);
    }

    private static final Task WAKE = new Task() {
        @Override
        public void run() {}

        @Override
        public void abandon(String why) {}
    };

    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private volatile String closedBecause;

    /** @throws IllegalStateException when watch is stopping and takes no more actions */
    public void submit(Task task) {
        synchronized (tasks) {
            if (closedBecause != null) {
                throw new IllegalStateException(closedBecause);
            }
            tasks.add(task);
        }
    }

    /** Runs every task handed in so far; returns how many ran. Watch's thread only. */
    public int runPending() {
        int ran = 0;
        for (Task t; (t = tasks.poll()) != null; ) {
            if (t != WAKE) {
                t.run();
                ran++;
            }
        }
        return ran;
    }

    /**
     * Sleeps up to {@code time}, running tasks as they arrive, and returns early once {@code stop}
     * says so or a task ran (so what it changed is acted on in a new cycle at once).
     *
     * @return how many tasks ran
     */
    public int sleep(Duration time, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + time.toNanos();
        int ran = 0;
        while (!stop.getAsBoolean() && ran == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Task t = tasks.poll(left, TimeUnit.NANOSECONDS);
            if (t != null && t != WAKE) {
                t.run();
                ran++;
            }
            ran += runPending();
        }
        return ran;
    }

    /** Ends a {@link #sleep} early, e.g. on SIGTERM. */
    public void wake() {
        tasks.offer(WAKE);
    }

    /** Takes no more tasks and abandons those still waiting. */
    public void close(String why) {
        synchronized (tasks) {
            closedBecause = why;
        }
        for (Task t; (t = tasks.poll()) != null; ) {
            t.abandon(why);
        }
    }
}
