package dev.engine.stage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
     * children): SIGTERM, then SIGKILL if any member outlives {@code grace}.
     */
    public static void stopGroup(long pgid, Duration grace) {
        signalGroup(pgid, "TERM");
        long deadline = System.nanoTime() + grace.toNanos();
        try {
            while (groupHasLiveMembers(pgid) && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (groupHasLiveMembers(pgid)) {
            signalGroup(pgid, "KILL");
        }
    }

    /**
     * Whether a process other than a zombie is still in group {@code pgid}, read from /proc
     * (zombies count as gone: in containers whose init never reaps, orphans stay zombies forever).
     * Without setsid the group is the engine's own, so the answer is always no.
     */
    public static boolean groupHasLiveMembers(long pgid) {
        if (sessionPrefix().isEmpty()) {
            return false;
        }
        Path proc = Path.of("/proc");
        try (Stream<Path> entries = Files.list(proc)) {
            return entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> livesInGroup(p.resolve("stat"), pgid));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Live members of group {@code pgid} whose working directory is {@code cwd}: how a recovering
     * engine tells the stage processes a dead engine left behind from an unrelated group that
     * happens to have the same number.
     */
    public static List<Long> liveMembersIn(long pgid, Path cwd) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path p : entries.filter(e -> e.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                if (livesInGroup(p.resolve("stat"), pgid) && sameDirectory(p.resolve("cwd"), cwd)) {
                    out.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    private static boolean sameDirectory(Path procCwd, Path cwd) {
        try {
            return procCwd.toRealPath().equals(cwd.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** This boot of the kernel, so a process group number recorded before a reboot is never trusted. */
    public static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean livesInGroup(Path stat, long pgid) {
        try {
            String s = Files.readString(stat);
            // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]) == pgid && !f[0].equals("Z") && !f[0].equals("X");
        } catch (IOException | RuntimeException e) {
            return false; // the process ended while we looked
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
