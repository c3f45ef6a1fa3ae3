package dev.engine.stage;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one-line "elapsed time and last output line" display of a running stage. Only drawn when the
 * engine talks to a terminal: redirected output stays clean for logs and scripts, and gets one
 * plain line when an attempt starts instead, so a service's journal or a CI log shows what is
 * running before the attempt ends.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 100;
    private final ScheduledExecutorService ticker;
    private final PrintStream terminal;

    private Progress(PrintStream terminal, String stage, Supplier<String> lastLine) {
        this.terminal = terminal;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress-" + stage);
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> {
            long s = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            String text = String.format("  %s  %d:%02d  %s", stage, s / 60, s % 60, lastLine.get());
            if (text.length() > WIDTH) {
                text = text.substring(0, WIDTH - 1) + "…";
            }
            terminal.print("\r\033[2K" + text);
            terminal.flush();
        }, 1, 1, TimeUnit.SECONDS);
    }

    public static AutoCloseable start(boolean interactive, PrintStream terminal, String stage, Supplier<String> lastLine) {
        return interactive ? new Progress(terminal, stage, lastLine) : () -> {};
    }

    /**
     * The progress line on a terminal; elsewhere {@code started} (e.g. "talos: attempt 3 started,
     * log logs/talos/...") printed once, now.
     */
    public static AutoCloseable start(boolean interactive, PrintStream terminal, String stage, String started,
                                      Supplier<String> lastLine) {
        if (!interactive) {
            terminal.println(started);
            terminal.flush();
        }
        return start(interactive, terminal, stage, lastLine);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        terminal.print("\r\033[2K");
        terminal.flush();
    }
}
