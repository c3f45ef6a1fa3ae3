package dev.engine.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resident memory of a long-running {@code engine watch}: three fake stages ({@code true}, each
 * with a {@code true} success check, so every cycle runs three checks) at a 10 ms interval, with
 * VmRSS read from /proc/&lt;pid&gt;/status at cycle checkpoints (default 100, 1000, 5000, 10000).
 * A flat figure after warm-up means nothing accumulates per cycle. /metrics and /api/status are
 * scraped at each checkpoint so the HTTP side is part of the picture. The live heap after a full GC
 * (jcmd GC.run, then GC.heap_info) tells heap growth apart from the JVM's own warm-up (JIT code,
 * metaspace), which RSS shows too.
 *
 * <p>Run from the repository root: {@code java -cp target/test-classes:target/engine.jar dev.engine.bench.WatchMemoryBench [checkpoint...]}
 * (the engine is started through the {@code engine} launcher, with its JVM flags). Linux only.
 */
public final class WatchMemoryBench {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    public static void main(String[] args) throws Exception {
        List<Long> checkpoints = new ArrayList<>();
        boolean withConsole = false;
        for (String a : args) {
            if (a.equals("--console")) {
                withConsole = true;
            } else {
                checkpoints.add(Long.parseLong(a));
            }
        }
        if (checkpoints.isEmpty()) {
            checkpoints.addAll(List.of(100L, 1_000L, 5_000L, 10_000L));
        }
        Path ws = Bench.gitWorkspace(Files.createTempDirectory("engine-watch-bench-"), """
                stages:
                  vms:
                    command: "true"
                    success_checks: ["true"]
                  talos:
                    command: "true"
                    success_checks: ["true"]
                  apps:
                    command: "true"
                    success_checks: ["true"]
                """);
        Path out = ws.resolve("watch.out");
        // Through the real launcher, so the JVM flags are the ones users get (it execs java: the pid is the JVM's).
        Path launcher = Path.of(System.getProperty("engine.launcher", "engine")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "watch", "--interval", "10ms", "--listen", "127.0.0.1:0"));
        Process engine = new ProcessBuilder(cmd).directory(ws.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            String base = awaitAddress(out, engine);
            long[] fetched = {0};
            if (withConsole) {
                // the board open in a browser: its live stream, and a fragment fetched on every board event
                List<String> portAndCookie = ConsoleBench.cookieAndPort(out, engine);
                ConsoleBench.liveView(Integer.parseInt(portAndCookie.get(0)), portAndCookie.get(1), fetched);
            }
            System.out.println("engine watch, 3 stages with a success check each, --interval 10ms, pid " + engine.pid()
                    + (withConsole ? ", the console's board open (live stream + fragment per board event)" : ""));
            System.out.printf("%10s %12s %12s %22s %14s %18s%n", "cycles", "VmRSS (MB)", "VmHWM (MB)", "live heap after GC (MB)", "elapsed (s)",
                    "ms per stage (*)");
            long start = System.nanoTime();
            long lastCycles = 0;
            long lastAt = start;
            for (long target : checkpoints) {
                long cycles;
                while ((cycles = cycles(http, base)) < target) {
                    if (!engine.isAlive()) {
                        throw new IllegalStateException("watch exited early:\n" + Files.readString(out));
                    }
                    Thread.sleep(Math.min(1000, Math.max(20, (target - cycles) * 5)));
                }
                get(http, base + "/metrics");
                String status = get(http, base + "/api/status");
                // A figure for cycles that fail (an uncommitted workspace, say) would measure the wrong path.
                List<String> statuses = new ArrayList<>();
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(status).get("stages").forEach(st -> statuses.add(st.get("status").asText()));
                if (statuses.size() != 3 || !statuses.stream().allMatch("green"::equals)) {
                    throw new IllegalStateException("the fake stages are not green:\n" + status + "\n" + Files.readString(out));
                }
                double rss = kb(engine.pid(), "VmRSS") / 1024.0;
                double hwm = kb(engine.pid(), "VmHWM") / 1024.0;
                long now = System.nanoTime();
                // Each cycle runs 3 stages (command + success check each) and then sleeps the 10 ms interval.
                double perStage = cycles > lastCycles ? ((now - lastAt) / 1e6 / (cycles - lastCycles) - 10) / 3 : Double.NaN;
                System.out.printf("%10d %12.1f %12.1f %22.1f %14.1f %18.1f%n", cycles, rss, hwm, liveHeapKb(engine.pid()) / 1024.0,
                        (now - start) / 1e9, perStage);
                lastCycles = cycles;
                lastAt = now;
            }
            if (withConsole) {
                System.out.println("board fragments fetched by the live view: " + fetched[0]);
            }
            System.out.println("(*) cycle time minus the interval, divided by the 3 stages; a green stage is verified by its check only (one `true` process)");
        } finally {
            engine.destroy(); // SIGTERM: a clean stop
            engine.waitFor();
            System.out.println("exit " + engine.exitValue() + "; work dir " + ws + " (remove with rm -rf)");
        }
    }

    private static String awaitAddress(Path out, Process engine) throws Exception {
        for (int i = 0; i < 1200; i++) {
            Matcher m = LISTENING.matcher(Files.exists(out) ? Files.readString(out) : "");
            if (m.find()) {
                return m.group(1);
            }
            if (!engine.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("watch did not print its address:\n" + Files.readString(out));
    }

    private static long cycles(HttpClient http, String base) throws Exception {
        Matcher m = Pattern.compile("\"cycles\"\\s*:\\s*(\\d+)").matcher(get(http, base + "/api/status"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * The tenured generation's use right after a full GC (SerialGC moves every live object there);
     * the young generation is left out because the running watch refills it before heap_info
     * answers. -1 without jcmd.
     */
    private static long liveHeapKb(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        run(jcmd.toString(), Long.toString(pid), "GC.run");
        long used = 0;
        Matcher m = Pattern.compile("tenured generation\\s+total \\d+K, used (\\d+)K").matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
        while (m.find()) {
            used += Long.parseLong(m.group(1));
        }
        return used;
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return text;
    }

    /** A "Vm...:   1234 kB" line of /proc/<pid>/status. */
    private static long kb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    private WatchMemoryBench() {}
}
