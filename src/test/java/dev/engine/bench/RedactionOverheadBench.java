package dev.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.cli.CliContext;
import dev.engine.cli.Main;
import dev.engine.redact.PlantedCorpus;
import dev.engine.redact.Redaction;
import dev.engine.redact.RedactionKey;
import dev.engine.redact.Redactor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What building the process's Redactor from the workspace's known values costs (issue 13 item 7),
 * for bench/redaction-fp.sh: the build itself on a small and a large workspace, and the per-attempt
 * overhead of {@code engine run} (a passing run, one attempt per command, and a failing attempt
 * inside one run) on both. The large workspace is the planted corpus's workspace files and the
 * clean corpus, copied until it is about the size the collector's limits were measured on (610
 * files, 2.4 MB). Nothing is asserted; the machine is shared.
 */
public final class RedactionOverheadBench {
    private static final PrintStream OUT = System.out;

    private RedactionOverheadBench() {}

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int n = quick ? 10 : 30;
        Path work = Files.createTempDirectory("redaction-overhead-");
        try {
            Path small = workspace(work.resolve("small"), 0);
            Path large = workspace(work.resolve("large"), 8);
            for (Path ws : List.of(small, large)) {
                long[] size = size(ws);
                OUT.printf("workspace %-5s %4d files, %5.2f MB%n", ws.getFileName(), size[0], size[1] / 1e6);
                Map<String, String> env = env();
                byte[] key = RedactionKey.loadOrCreate(ws.resolve("state"));
                List<Long> envOnly = new ArrayList<>();
                List<Long> known = new ArrayList<>();
                int values = 0;
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    Redactor.create(key, env);
                    envOnly.add(System.nanoTime() - t0);
                    t0 = System.nanoTime();
                    Redactor r = Redaction.forWorkspace(ws.resolve("state"), ws, env);
                    known.add(System.nanoTime() - t0);
                    values = r.valuesSearched();
                }
                OUT.printf("  build Redactor, environment only           %s%n", ms(envOnly));
                OUT.printf("  build Redactor, workspace + environment    %s  (%d values and encodings searched)%n", ms(known), values);
                CliContext ctx = CliContext.forTest(envFor(env, n), ws, new PrintStream(OutputStream.nullOutputStream()),
                        new PrintStream(OutputStream.nullOutputStream()));
                for (int i = 0; i < 3; i++) {
                    expect(Main.execute(new String[] {"run", "ok"}, ctx), 0, "run ok");
                }
                List<Long> runs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    expect(Main.execute(new String[] {"run", "ok"}, ctx), 0, "run ok");
                    runs.add(System.nanoTime() - t0);
                }
                OUT.printf("  engine run ok (one attempt per command)    %s%n", ms(runs));
                expect(Main.execute(new String[] {"reset", "bad"}, ctx), 0, "reset bad");
                long t0 = System.nanoTime();
                expect(Main.execute(new String[] {"run", "bad"}, ctx), 1, "run bad");
                OUT.printf("  failing attempt inside one run (mean of %d) %.1f ms%n", n, (System.nanoTime() - t0) / 1e6 / n);
                // The redaction itself: every string of one failing attempt's audit events, through this workspace's Redactor.
                List<String> strings = attemptStrings(ws.resolve("state/audit.jsonl"));
                Redactor r = Redaction.forWorkspace(ws.resolve("state"), ws, env);
                List<Long> redacting = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long t1 = System.nanoTime();
                    strings.forEach(r::redact);
                    redacting.add(System.nanoTime() - t1);
                }
                OUT.printf("  redacting one attempt's audit strings (%d) %s%n", strings.size(), ms(redacting));
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("OPENAI_API_KEY");
        env.put("SANDBOX_BWRAP", "off");
        env.put("GITHUB_TOKEN", "ghp_" + "R4nd0mT0k3nV4lu3Bench0123456789abcdef".substring(0, 36));
        return env;
    }

    private static Map<String, String> envFor(Map<String, String> env, int attempts) {
        Map<String, String> e = new HashMap<>(env);
        e.put("EXECUTOR_RETRY_THRESHOLD", String.valueOf(attempts + 10));
        e.put("MAX_ATTEMPTS_PER_RUN", String.valueOf(attempts));
        return e;
    }

    /** A committed git workspace with stages ok and bad, and {@code copies} copies of the corpora's workspace files. */
    private static Path workspace(Path ws, int copies) throws Exception {
        Files.createDirectories(ws);
        Files.writeString(ws.resolve("context_map.yaml"), """
                stages:
                  ok:
                    command: "true"
                  bad:
                    command: "echo 'error: connection refused'; false"
                """);
        Files.writeString(ws.resolve(".gitignore"), "/state/\n/logs/\n/escalations/\n/patches/\n");
        Path clean = Path.of(RedactionOverheadBench.class.getResource("/redact/clean").toURI());
        List<PlantedCorpus.Context> planted = copies > 0 ? PlantedCorpus.load() : List.of();
        for (int i = 0; i < copies; i++) {
            Path dir = ws.resolve("sites/site-" + i);
            for (PlantedCorpus.Context c : planted) {
                c.writeWorkspace(dir.resolve(c.name()));
            }
            try (Stream<Path> s = Files.walk(clean)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    Path to = dir.resolve("clean").resolve(clean.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to);
                }
            }
        }
        git(ws, "init", "-q", "-b", "main");
        git(ws, "add", "-A");
        git(ws, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "bench workspace");
        return ws;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + ": " + out);
        }
    }

    /** The string values of the events of the last attempt in the trail (attempt_started up to the next one). */
    private static List<String> attemptStrings(Path audit) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(audit);
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"attempt_started\"")) {
                start = i;
            }
        }
        List<String> out = new ArrayList<>();
        for (String l : lines.subList(start, lines.size())) {
            json.readTree(l).path("details").forEach(v -> {
                if (v.isTextual()) {
                    out.add(v.asText());
                }
            });
        }
        return out;
    }

    private static long[] size(Path ws) throws IOException {
        try (Stream<Path> s = Files.walk(ws)) {
            List<Path> files = s.filter(p -> !p.toString().contains("/.git/") && !p.toString().contains("/state/"))
                    .filter(Files::isRegularFile).toList();
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            return new long[] {files.size(), bytes};
        }
    }

    private static int expect(int rc, int want, String what) {
        if (rc != want) {
            throw new IllegalStateException("engine " + what + " exited " + rc + ", expected " + want);
        }
        return rc;
    }

    private static String ms(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return String.format("median %6.1f ms (min %.1f, max %.1f)", s.get(s.size() / 2) / 1e6, s.get(0) / 1e6, s.get(s.size() - 1) / 1e6);
    }
}
