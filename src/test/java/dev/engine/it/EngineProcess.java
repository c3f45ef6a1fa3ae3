package dev.engine.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One engine started as a real JVM process ({@code java -cp <test classpath> dev.engine.cli.Main}),
 * with stdout and stderr captured to files so they can be read while it runs and after it dies.
 */
final class EngineProcess {
    private final Process process;
    private final List<String> args;
    private final Path stdout;
    private final Path stderr;

    EngineProcess(Process process, List<String> args, Path stdout, Path stderr) {
        this.process = process;
        this.args = List.copyOf(args);
        this.stdout = stdout;
        this.stderr = stderr;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Waits for the exit and returns its code; fails the test (and kills the engine) when it takes longer than {@code timeout}. */
    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("engine " + args + " (pid " + pid() + ") did not exit within " + timeout.toSeconds() + "s\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** SIGTERM: on Linux, Process.destroy() sends exactly that. */
    void sigterm() {
        process.destroy();
    }

    void sigint() {
        Procs.kill("INT", pid());
    }

    /** kill -9: the engine gets no chance to clean up, as on an OOM kill or power loss. */
    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Args, exit state and both streams, for assertion messages. */
    String describe() {
        String state = process.isAlive() ? "still running" : "exit " + process.exitValue();
        return "engine " + args + " pid " + pid() + " (" + state + ")\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
