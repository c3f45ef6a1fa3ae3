package dev.engine.watch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * watch's HTTP endpoints on the JDK's built-in server: {@code /healthz}, {@code /readyz},
 * {@code /api/status} and {@code /metrics}, GET (and HEAD) only, and beside them the console's
 * pages ({@link Pages}) for every other path. Without pages one request is served at a time on one
 * daemon thread: the endpoints are for a scraper and an operator, and a single thread keeps a burst
 * of requests from costing memory or state reads in parallel. With pages a few more threads serve,
 * since a live board holds one open.
 */
public final class WatchServer implements AutoCloseable {

    /** What the endpoints serve. */
    public interface Endpoints {
        /** Empty when ready, else why not. */
        Optional<String> notReady();

        byte[] statusJson() throws IOException;

        void writeMetrics(OutputStream out) throws IOException;

        String metricsContentType();
    }

    /** More pages on this listener: the console. */
    public interface Pages {
        /** Serves a path the endpoints do not know. */
        void handle(HttpExchange exchange) throws IOException;

        /** Why this request may not read /api/status or /metrics (beyond loopback they need the console token); empty when it may. */
        Optional<String> refuseData(HttpExchange exchange);
    }

    /** Server threads when the console is served: its live board streams hold up to four. */
    static final int THREADS_WITH_PAGES = 8;

    private final HttpServer server;
    private final ExecutorService thread;

    private WatchServer(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** Binds {@code address} and starts serving. */
    public static WatchServer start(InetSocketAddress address, Endpoints endpoints) throws IOException {
        return start(address, endpoints, null);
    }

    /** Binds {@code address} and starts serving the endpoints and, when not null, {@code pages}. */
    public static WatchServer start(InetSocketAddress address, Endpoints endpoints, Pages pages) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService thread = Executors.newFixedThreadPool(pages == null ? 1 : THREADS_WITH_PAGES, r -> {
            Thread t = new Thread(r, "engine-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/", exchange -> {
            try (exchange) {
                route(exchange, endpoints, pages);
            } catch (IOException | RuntimeException e) {
                // the client went away, or an endpoint failed after the headers went out: nothing more to send
            }
        });
        server.start();
        return new WatchServer(server, thread);
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void route(HttpExchange ex, Endpoints endpoints, Pages pages) throws IOException {
        String path = ex.getRequestURI().getPath();
        boolean known = path.equals("/healthz") || path.equals("/readyz") || path.equals("/api/status") || path.equals("/metrics");
        if (!known && pages != null) {
            pages.handle(ex);
            return;
        }
        if (!known) {
            text(ex, 404, "not found: try /healthz, /readyz, /api/status or /metrics\n");
            return;
        }
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            text(ex, 405, "method not allowed: " + path + " answers GET only\n");
            return;
        }
        if (pages != null && (path.equals("/api/status") || path.equals("/metrics"))) {
            Optional<String> refused = pages.refuseData(ex);
            if (refused.isPresent()) {
                text(ex, 403, "forbidden: " + refused.get() + "\n");
                return;
            }
        }
        try {
            switch (path) {
                case "/healthz" -> text(ex, 200, "ok\n");
                case "/readyz" -> {
                    Optional<String> why = endpoints.notReady();
                    text(ex, why.isEmpty() ? 200 : 503, why.map(w -> "not ready: " + w + "\n").orElse("ready\n"));
                }
                case "/api/status" -> send(ex, 200, "application/json; charset=utf-8", endpoints.statusJson());
                default -> {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
                    endpoints.writeMetrics(body);
                    send(ex, 200, endpoints.metricsContentType(), body.toByteArray());
                }
            }
        } catch (IOException | RuntimeException e) {
            // e.g. a state file that is not valid JSON: the operator sees why instead of a dropped connection
            text(ex, 500, "error: " + e.getMessage() + "\n");
        }
    }

    private static void text(HttpExchange ex, int code, String body) throws IOException {
        send(ex, code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
