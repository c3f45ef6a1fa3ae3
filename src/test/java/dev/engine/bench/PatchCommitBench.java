package dev.engine.bench;

import dev.engine.audit.AuditLog;
import dev.engine.git.PatchLanding;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Benchmark item 4: check and commit a 3-file patch to the AI branch of a repository of 10,000
 * files and 2,000 commits, through the same {@link PatchLanding} the executor and escalation use.
 * The repository is built with {@code git fast-import}; the working tree is never checked out, so
 * "without touching the working tree" is literal. Median of N landings after 2 warm-ups.
 *
 * <p>{@code java -cp target/test-classes:target/engine.jar dev.engine.bench.PatchCommitBench [files] [commits] [runs]}
 */
public final class PatchCommitBench {
    private PatchCommitBench() {}

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        Path repo = Files.createTempDirectory("patch-bench-");
        long t0 = System.nanoTime();
        build(repo, files, commits);
        System.out.printf("   repository: %,d files, %,d commits (built in %.1f s)%n", files, commits, (System.nanoTime() - t0) / 1e9);

        Path home = Files.createTempDirectory("patch-bench-home-");
        PatchLanding landing = new PatchLanding(new PatchLanding.Setup(repo, repo, "ai/bench", "main", List.of(),
                new AuditLog(home.resolve("state"), Clock.systemUTC()), Optional.empty()));
        double[] ms = new double[runs];
        for (int r = -2; r < runs; r++) {
            String diff = threeFileDiff(r + 2, files);
            long s = System.nanoTime();
            PatchLanding.Result result = landing.land(new PatchLanding.Proposal(PatchLanding.Source.MODEL, "apps", "0123456789ab",
                    diff, "bench " + r, Optional.empty()), home.resolve("patches/bench_" + (r + 2) + "_patch.diff"));
            double took = (System.nanoTime() - s) / 1e6;
            if (!(result instanceof PatchLanding.Result.Committed)) {
                throw new IllegalStateException("bench patch refused: " + result);
            }
            if (r >= 0) {
                ms[r] = took;
            }
        }
        Arrays.sort(ms);
        System.out.printf("   check + commit a 3-file patch: median %.0f ms  min %.0f  max %.0f  (%d runs; working tree never checked out)%n",
                ms[runs / 2], ms[0], ms[runs - 1], runs);
    }

    /** Every run edits the same three files one line further down, on top of the previous run's commit. */
    private static String threeFileDiff(int run, int files) {
        StringBuilder d = new StringBuilder();
        // early, middle and late files of the tree, whatever its size (--quick builds 2,000)
        for (int f : new int[] {17, files * 42 / 100 + 42, files * 9 / 10 + 1}) {
            String path = path(f);
            int line = run + 2;
            d.append("--- a/").append(path).append("\n+++ b/").append(path).append('\n');
            d.append("@@ -").append(line).append(",1 +").append(line).append(",1 @@\n");
            d.append("-  key").append(line - 1).append(": value").append(line - 1).append('\n');
            d.append("+  key").append(line - 1).append(": changed").append(run).append('\n');
        }
        return d.toString();
    }

    private static String path(int i) {
        return "cluster/apps/group" + (i % 100) + "/app" + i + ".yaml";
    }

    private static void build(Path repo, int files, int commits) throws IOException, InterruptedException {
        git(repo, "init", "-q", "-b", "main");
        Process p = new ProcessBuilder("git", "-C", repo.toString(), "fast-import", "--quiet").inheritIO()
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try (OutputStream out = p.getOutputStream()) {
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < commits; c++) {
                s.append("commit refs/heads/main\ncommitter Bench <b@b> ").append(1_700_000_000L + c).append(" +0000\n");
                s.append("data 10\ncommit ").append(String.format("%03d", c % 1000)).append('\n');
                if (c == 0) {
                    for (int f = 0; f < files; f++) {
                        inline(s, path(f), content(f, 0));
                    }
                } else {
                    int f = (c * 7919) % files;
                    if (f == 17 || f == 4242 || f == 9001) {
                        f++;
                    }
                    inline(s, path(f), content(f, c));
                }
                s.append('\n');
                if (s.length() > 1 << 20) {
                    out.write(s.toString().getBytes(StandardCharsets.UTF_8));
                    s.setLength(0);
                }
            }
            out.write(s.toString().getBytes(StandardCharsets.UTF_8));
        }
        if (p.waitFor() != 0) {
            throw new IOException("git fast-import failed");
        }
    }

    private static void inline(StringBuilder s, String path, String content) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        s.append("M 100644 inline ").append(path).append("\ndata ").append(b.length).append('\n').append(content).append('\n');
    }

    private static String content(int f, int version) {
        StringBuilder s = new StringBuilder("app").append(f).append(":\n");
        for (int i = 1; i <= 40; i++) {
            s.append("  key").append(i).append(": value").append(i).append('\n');
        }
        return version == 0 ? s.toString() : s.append("# v").append(version).append('\n').toString();
    }

    private static void git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
        cmd.addAll(List.of(args));
        if (new ProcessBuilder(cmd).inheritIO().start().waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed");
        }
    }
}
