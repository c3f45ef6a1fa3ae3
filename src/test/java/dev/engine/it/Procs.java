package dev.engine.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Facts about OS processes by pid, read from /proc so zombies count as dead. */
final class Procs {
    private Procs() {}

    /**
     * True while {@code pid} is a live process. A zombie (exited, not yet reaped by whoever
     * inherited it) is dead for our purposes: it runs nothing and holds nothing, and whether
     * PID 1 of a container reaps orphans promptly is not the engine's business.
     */
    static boolean alive(long pid) {
        Optional<String> stat = stat(pid);
        if (stat.isEmpty()) {
            return false;
        }
        // /proc/<pid>/stat is "pid (comm) S ..."; comm may hold spaces or parentheses, so look after the last ')'.
        String s = stat.get();
        int close = s.lastIndexOf(')');
        char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
        return state != 'Z' && state != 'X';
    }

    /** The pid written into {@code file} by a stage script, once the file holds a whole number. */
    static OptionalLong readPid(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.matches("\\d+") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The dispositions mask of ignored signals of {@code pid} (the SigIgn line of /proc/<pid>/status). */
    static long ignoredSignals(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("SigIgn:")) {
                    return Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                }
            }
        } catch (IOException e) {
            // process gone
        }
        return 0;
    }

    /** Sends {@code signal} (e.g. "INT", "KILL") with the system kill command; returns its exit code. */
    static int kill(String signal, long pid) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL for a process a test left behind, but only if it still runs {@code expectedCommand} (pids get reused). */
    static void killIfRunning(long pid, String expectedCommand) {
        if (!alive(pid)) {
            return;
        }
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            if (cmdline.contains(expectedCommand)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException e) {
            // gone meanwhile
        }
    }

    private static Optional<String> stat(long pid) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
