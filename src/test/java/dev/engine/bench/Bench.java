package dev.engine.bench;

import dev.engine.cli.CliContext;
import dev.engine.cli.Main;
import dev.engine.fingerprint.Fingerprinter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Benchmarks of the engine's own cost next to the work it drives (bench/run.sh runs this).
 * Figures are medians of several runs after a warm-up, with min and max; ratios are measured
 * in the same run. Nothing here is asserted: the machines are shared and noisy.
 */
public final class Bench {
    private static final PrintStream OUT = System.out;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("engine-bench-");
        boolean quick = args.length > 0 && args[0].equals("--quick");
        OUT.println("engine bench  java " + Runtime.version() + "  " + Runtime.getRuntime().availableProcessors() + " cpus"
                + (quick ? "  (quick)" : ""));
        OUT.println();
        perAttemptOverhead(work, quick ? 20 : 100, "off");
        perAttemptOverhead(work, quick ? 20 : 100, "bwrap");
        fingerprintCost(work, quick);
        OUT.println();
        OUT.println("work dir " + work + " (remove with rm -rf)");
    }

    // ---- 1. per-attempt overhead -------------------------------------------------------------

    /** @param sandbox "off" (no bubblewrap) or "bwrap" (stages contained, as users get them) */
    static void perAttemptOverhead(Path work, int n, String sandbox) throws Exception {
        Path ws = gitWorkspace(work.resolve("attempts-" + sandbox), """
                stages:
                  ok:
                    command: "true"
                  bad:
                    command: "false"
                """);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("OPENAI_API_KEY");
        env.put("EXECUTOR_RETRY_THRESHOLD", String.valueOf(n + 10));
        env.put("MAX_ATTEMPTS_PER_RUN", String.valueOf(n));
        env.put("SANDBOX_BWRAP", sandbox);
        CliContext ctx = CliContext.forTest(env, ws, new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()));

        Stats bareTrue = sample(n, () -> timeBash("true", ws));
        Stats bareFalse = sample(n, () -> timeBash("false", ws));
        // warm-up, then n separate `run ok` commands (each acquires the lock, writes state and audit)
        for (int i = 0; i < 10; i++) {
            expect(Main.execute(new String[] {"run", "ok"}, ctx), 0, "run ok");
        }
        Stats engineTrue = sample(n, () -> timeNanos(() -> expect(Main.execute(new String[] {"run", "ok"}, ctx), 0, "run ok")));
        // one `run bad` making n failing attempts: fingerprint, errors.json, stage_info, status, audit each time
        expect(Main.execute(new String[] {"reset", "bad"}, ctx), 0, "reset bad");
        long auditBefore = attemptsAudited(ws, "bad");
        long total = timeNanos(() -> expect(Main.execute(new String[] {"run", "bad"}, ctx), 1, "run bad"));
        // A figure for the wrong path is worse than none: the run must really have made n attempts.
        if (attemptsAudited(ws, "bad") - auditBefore != n) {
            throw new IllegalStateException("run bad made " + (attemptsAudited(ws, "bad") - auditBefore) + " attempts, not " + n);
        }
        double perFailing = total / (double) n;

        OUT.println("1. per-attempt overhead, sandbox " + sandbox + " (" + n
                + " attempts each; command run through bash in the stage's git clone as stages are)");
        OUT.printf("   bare `bash -c true`            %s%n", bareTrue.ms());
        if (!sandbox.equals("off")) {
            Stats bwrap = sample(n, () -> timeArgv(List.of("bwrap", "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--ro-bind",
                    "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--", "/bin/bash", "-c", "true"), ws));
            OUT.printf("   bare `bwrap ... bash -c true`  %s%n", bwrap.ms());
        }
        OUT.printf("   engine run ok (`true`)         %s%n", engineTrue.ms());
        OUT.printf("   overhead, passing attempt      %.1f ms median  (ratio engine/bare %.1fx)%n",
                (engineTrue.median() - bareTrue.median()) / 1e6, engineTrue.median() / (double) bareTrue.median());
        OUT.printf("   bare `bash -c false`           %s%n", bareFalse.ms());
        OUT.printf("   engine failing attempt (mean)  %.1f ms%n", perFailing / 1e6);
        OUT.printf("   overhead, failing attempt      %.1f ms  (ratio %.1fx; the bash loop spent ~1900 ms)%n",
                (perFailing - bareFalse.median()) / 1e6, perFailing / bareFalse.median());
        OUT.println();
    }

    /** Fails the bench when a command took an unexpected path (a silent error would make a fast, false figure). */
    private static int expect(int rc, int want, String what) {
        if (rc != want) {
            throw new IllegalStateException("engine " + what + " exited " + rc + ", expected " + want);
        }
        return rc;
    }

    private static long attemptsAudited(Path ws, String stage) throws IOException {
        Path audit = ws.resolve("state/audit.jsonl");
        if (!Files.exists(audit)) {
            return 0;
        }
        try (var lines = Files.lines(audit)) {
            return lines.filter(l -> l.contains("\"stage\":\"" + stage + "\"") && l.contains("\"attempt_finished\"")).count();
        }
    }

    private static long timeBash(String cmd, Path cwd) {
        return timeArgv(List.of("/bin/bash", "-c", cmd), cwd);
    }

    private static long timeArgv(List<String> argv, Path cwd) {
        return timeNanos(() -> {
            try {
                return new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    // ---- 2. fingerprint cost against log size ------------------------------------------------

    static void fingerprintCost(Path work, boolean quick) throws IOException {
        long[] sizes = quick ? new long[] {1L << 20, 100L << 20} : new long[] {1L << 20, 100L << 20, 2L << 30};
        String[] names = quick ? new String[] {"1 MB", "100 MB"} : new String[] {"1 MB", "100 MB", "2 GB"};
        Fingerprinter fp = new Fingerprinter(Fingerprinter.DEFAULT_TAIL_LINES);
        OUT.println("2. fingerprint cost against log size (failure at the end; median of 15 after 5 warm-up)");
        long base = 0;
        for (int i = 0; i < sizes.length; i++) {
            Path log = work.resolve("log-" + i + ".log");
            writeLog(log, sizes[i]);
            for (int w = 0; w < 5; w++) {
                fp.of(log);
            }
            Stats s = sample(15, () -> timeNanos(() -> {
                try {
                    return fp.of(log).hash().length();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
            if (i == 0) {
                base = s.median();
            }
            OUT.printf("   %-7s %s   ratio to 1 MB %.2f%n", names[i], s.ms(), s.median() / (double) base);
            Files.delete(log);
        }
        // Log text is hostile: 4 KB lines built to make the normalizer's regexes backtrack.
        Path hostile = work.resolve("hostile.log");
        Files.writeString(hostile, ("a-".repeat(2048) + "\n" + "bcdfg-".repeat(682) + "\n").repeat(512), StandardCharsets.UTF_8);
        for (int w = 0; w < 2; w++) {
            fp.of(hostile);
        }
        Stats h = sample(5, () -> timeNanos(() -> {
            try {
                return fp.of(hostile).hash().length();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        OUT.printf("   hostile %s   (%d lines of 4 KB built to backtrack; median of 5)%n", h.ms(), 1024);
        Files.delete(hostile);
    }

    /** Realistic noisy lines (a retry loop, the worst case for the fingerprint) up to {@code size}, then a failure tail. */
    private static void writeLog(Path log, long size) throws IOException {
        byte[] block;
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (sb.length() < (64 << 10)) {
            sb.append("2026-11-22T03:49:").append(String.format("%02d", i % 60)).append(".123456Z waiting for pod cilium-7d9f8c6b5-x2b4k (attempt ")
                    .append(i % 30).append("/30, ").append(i % 97).append(".2s elapsed) 10.0.0.").append(i % 250).append(":6443\n");
            i++;
        }
        block = sb.toString().getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
            long written = 0;
            while (written + block.length <= size) {
                f.write(block);
                written += block.length;
            }
            f.write(block, 0, (int) Math.max(0, Math.min(block.length, size - written)));
            f.write('\n');
            f.write("Error: etcd cluster is unavailable or misconfigured\n[engine] finished 2026-11-22T03:50:00Z exit=1 duration=1m3s\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    record Stats(long median, long min, long max) {
        String ms() {
            return String.format("median %8.2f ms  min %8.2f  max %8.2f", median / 1e6, min / 1e6, max / 1e6);
        }
    }

    static Stats sample(int n, LongSupplier once) {
        List<Long> xs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            xs.add(once.getAsLong());
        }
        Collections.sort(xs);
        return new Stats(xs.get(xs.size() / 2), xs.get(0), xs.get(xs.size() - 1));
    }

    static long timeNanos(java.util.function.IntSupplier body) {
        long t = System.nanoTime();
        body.getAsInt();
        return System.nanoTime() - t;
    }

    static Path gitWorkspace(Path dir, String contextMap) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("context_map.yaml"), contextMap);
        // The home's runtime folders are ignored, as in a real workspace.
        Files.writeString(dir.resolve(".gitignore"), "state/\nlogs/\nescalations/\npatches/\n");
        // Stages run from the committed content, so the context map must be on main.
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "bench workspace");
        return dir;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed in " + dir);
        }
    }

    private Bench() {}
}
