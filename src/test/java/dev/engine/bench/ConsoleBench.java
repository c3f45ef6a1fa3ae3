package dev.engine.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time to the first byte of the console's pages on a home with 10,000 audit lines and six stages,
 * through the real launcher ({@code engine console}), as a browser asks for them: the board, its
 * live fragment, a stage's timeline and the review page. A raw socket times the first byte of the
 * answer (status line), then reads the page to its end, as a browser would before asking again.
 *
 * <p>Run from the repository root: {@code java -cp target/test-classes:target/engine.jar dev.engine.bench.ConsoleBench [rounds]}.
 */
public final class ConsoleBench {
    static final Pattern URL = Pattern.compile("(http://[^\\s/]+:(\\d+))/\\?token=([A-Za-z0-9_-]+)");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path ws = homeWithAudit(Files.createTempDirectory("engine-console-bench-"), 10_000);
        Path out = ws.resolve("console.out");
        Path launcher = Path.of(System.getProperty("engine.launcher", "engine")).toAbsolutePath();
        Process console = new ProcessBuilder(launcher.toString(), "console", "--listen", "127.0.0.1:0").directory(ws.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            List<String> portAndCookie = cookieAndPort(out, console);
            int port = Integer.parseInt(portAndCookie.get(0));
            String cookie = portAndCookie.get(1);
            System.out.println("engine console, 6 stages, 10,000 audit lines; first byte and whole page, median of "
                    + rounds + " after 10 warm-up");
            System.out.printf("%-22s %16s %10s %16s %12s%n", "page", "first byte (ms)", "min", "whole page (ms)", "bytes");
            for (String path : List.of("/", "/fragments/board", "/stage/talos", "/review")) {
                double[] first = new double[rounds];
                double[] whole = new double[rounds];
                long bytes = 0;
                for (int i = -10; i < rounds; i++) {
                    long[] t = get(port, path, cookie);
                    if (i >= 0) {
                        first[i] = t[0] / 1e6;
                        whole[i] = t[1] / 1e6;
                        bytes = t[2];
                    }
                }
                Arrays.sort(first);
                Arrays.sort(whole);
                System.out.printf("%-22s %16.1f %10.1f %16.1f %12d%n", path, first[rounds / 2], first[0], whole[rounds / 2], bytes);
            }
        } finally {
            console.destroy();
            console.waitFor();
        }
    }

    /** A committed workspace with six stages, a stage status and {@code lines} audit lines for talos. */
    static Path homeWithAudit(Path dir, int lines) throws Exception {
        StringBuilder map = new StringBuilder("stages:\n");
        for (String s : List.of("vms", "talos", "infra", "apps", "ingress", "obs")) {
            map.append("  ").append(s).append(":\n    command: \"true\"\n");
        }
        Path ws = Bench.gitWorkspace(dir, map.toString());
        Path state = Files.createDirectories(ws.resolve("state"));
        StringBuilder audit = new StringBuilder(lines * 140);
        for (int i = 1; i <= lines; i++) {
            audit.append(String.format("{\"time\":\"2026-11-22T03:%02d:%02d.000Z\",\"stage\":\"talos\",\"event\":\"attempt_finished\","
                    + "\"details\":{\"attempt\":%d,\"outcome\":\"failed\",\"exit_code\":1}}%n", (i / 60) % 60, i % 60, i));
        }
        Files.writeString(state.resolve("audit.jsonl"), audit);
        Files.writeString(state.resolve("stage_status.json"),
                "{\"vms\":\"green\",\"talos\":\"failed\",\"infra\":\"idle\",\"apps\":\"idle\",\"ingress\":\"idle\",\"obs\":\"idle\"}\n");
        return ws;
    }

    static Matcher awaitUrl(Path out, Process p) throws Exception {
        for (int i = 0; i < 1200; i++) {
            Matcher m = URL.matcher(Files.exists(out) ? Files.readString(out) : "");
            if (m.find()) {
                return m;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the console did not print its URL:\n" + Files.readString(out));
    }

    /** {nanos to the first byte, nanos to the end, bytes}; fails on anything but 200. */
    static long[] get(int port, String path, String cookie) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream o = s.getOutputStream();
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nCookie: " + cookie
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            o.flush();
            int b = in.read();
            long first = System.nanoTime() - start;
            byte[] rest = in.readAllBytes();
            long end = System.nanoTime() - start;
            String head = (char) b + new String(rest, 0, Math.min(rest.length, 20), StandardCharsets.US_ASCII);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException(path + " answered " + head);
            }
            return new long[] {first, end, rest.length + 1L};
        }
    }

    /** Keeps a live view open like the board's script: on each board event, fetch the board fragment. */
    static Thread liveView(int port, String cookie, long[] fetched) {
        Thread t = new Thread(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nCookie: " + cookie
                        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                StringBuilder line = new StringBuilder();
                for (int c; (c = in.read()) >= 0; ) {
                    if (c != '\n') {
                        line.append((char) c);
                        continue;
                    }
                    if (line.toString().startsWith("event: board")) {
                        get(port, "/fragments/board", cookie);
                        fetched[0]++;
                    }
                    line.setLength(0);
                }
            } catch (IOException e) {
                // the engine stopped: the view closes
            }
        }, "live-view");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static List<String> cookieAndPort(Path out, Process p) throws Exception {
        Matcher m = awaitUrl(out, p);
        List<String> r = new ArrayList<>();
        r.add(m.group(2));
        r.add("engine_console_" + m.group(2) + "=" + m.group(3));
        return r;
    }

    private ConsoleBench() {}
}
