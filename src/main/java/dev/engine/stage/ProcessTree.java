package dev.engine.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops a command and everything it started. Commands are launched as leaders of their own
 * session ({@code setsid}), so one signal to the process group reaches grandchildren that were
 * re-parented to init; the descendant walk covers systems without {@code setsid}.
 */
public final class ProcessTree {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Path KILL = Path.of("/usr/bin/kill");
    private static final Path KILL_ALT = Path.of("/bin/kill");

    private ProcessTree() {}

    /** The argv prefix that makes a command its own process group, or nothing when setsid is missing. */
    public static List<String> sessionPrefix() {
        return Files.isExecutable(SETSID) ? List.of(SETSID.toString(), "-w") : List.of();
    }

    /** SIGTERM to the group and all descendants, then SIGKILL after {@code grace} if anything is still alive. */
    public static void stop(Process process, Duration grace) {
        long pid = process.pid();
        List<ProcessHandle> descendants = process.descendants().toList();
        signalGroup(pid, "TERM");
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        // The whole tree gets the grace period: a grandchild may still be cleaning up after its
        // parent, the direct child, has already exited.
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (process.isAlive() || descendants.stream().anyMatch(ProcessHandle::isAlive)) {
                if (System.nanoTime() - deadline > 0) {
                    break;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!process.isAlive() && descendants.stream().noneMatch(ProcessHandle::isAlive)) {
            return;
        }
        signalGroup(pid, "KILL");
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Stops what is left of a process group whose leader has already exited (its background
     * children): SIGTERM, then SIGKILL after {@code grace}. Needs setsid, else does nothing.
     */
    public static void stopGroup(long pgid, Duration grace) {
        signalGroup(pgid, "TERM");
        try {
            Thread.sleep(Math.min(grace.toMillis(), 500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (groupAlive(pgid)) {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signalGroup(pgid, "KILL");
        }
    }

    /** Whether any process still belongs to group {@code pgid} (kill -0 on the group). */
    private static boolean groupAlive(long pgid) {
        Path kill = Files.isExecutable(KILL) ? KILL : KILL_ALT;
        try {
            Process p = new ProcessBuilder(kill.toString(), "-0", "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void signalGroup(long pid, String signal) {
        Path kill = Files.isExecutable(KILL) ? KILL : KILL_ALT;
        if (!Files.isExecutable(kill) || sessionPrefix().isEmpty()) {
            return;
        }
        try {
            Process p = new ProcessBuilder(kill.toString(), "-s", signal, "--", "-" + pid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the descendant walk in stop() still runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
