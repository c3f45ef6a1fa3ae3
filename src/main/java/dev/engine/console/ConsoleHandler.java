package dev.engine.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.engine.audit.AuditEvent;
import dev.engine.config.Layout;
import dev.engine.control.ActionRequest;
import dev.engine.control.ActionResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The console's routes. Pages are GET (and HEAD); actions are POST under {@code /actions/}. Every
 * response carries a strict Content-Security-Policy (scripts and styles only from this listener's
 * {@code /static/} files, no inline script, no framing) and is never cached.
 */
final class ConsoleHandler implements HttpHandler {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** How long an action request waits for watch to get to it before the page says it is queued. */
    static final long ACTION_WAIT_SECONDS = 20;
    static final int MAX_FORM = 16 * 1024;
    static final int TIMELINE_EVENTS = 300;
    private static final List<String> COLUMNS = List.of("idle", "running", "failed", "awaiting_review", "give_up", "green");
    private static final Map<String, String> TITLES = Map.of("idle", "idle", "running", "running", "failed", "failed",
            "awaiting_review", "awaiting review", "give_up", "give up", "green", "green");

    private final Console.Parts parts;
    private final Guard guard;
    private final BoardFeed feed;
    private final Pages pages = new Pages();
    private final SafeFiles files;
    private final SafeFiles logs;
    private final Timeline timeline;
    private final Reviews reviews;

    ConsoleHandler(Console.Parts parts, Guard guard, BoardFeed feed) {
        this.parts = parts;
        this.guard = guard;
        this.feed = feed;
        Layout l = parts.layout();
        this.files = new SafeFiles(l.home(), List.of(l.logsDir(), l.escalationsDir(), l.patchesDir()));
        this.logs = new SafeFiles(l.home(), List.of(l.logsDir()));
        this.timeline = new Timeline(files, parts.redactor(), l.home().relativize(l.escalationsDir()).toString());
        this.reviews = new Reviews(l.workspace(), parts.aiBranch(), parts.redactor());
    }

    Optional<String> refuseData(HttpExchange ex) {
        return guard.refusePage(ex);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        } catch (IOException | RuntimeException e) {
            // the browser went away, or a page failed after its headers went out
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/actions/")) {
            action(ex, path.substring("/actions/".length()));
            return;
        }
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            text(ex, 405, "method not allowed: pages are GET; actions are POST to /actions/...\n");
            return;
        }
        Map<String, String> query = form(ex.getRequestURI().getRawQuery());
        if (query.containsKey("token")) {
            login(ex, path, query.get("token"));
            return;
        }
        Optional<String> refused = guard.refusePage(ex);
        if (refused.isPresent()) {
            text(ex, 403, "forbidden: " + refused.get() + "\n");
            return;
        }
        try {
            if (path.equals("/")) {
                html(ex, 200, pages.board(board(ex)));
            } else if (path.equals("/fragments/board")) {
                html(ex, 200, pages.columns(board(ex)));
            } else if (path.equals("/events")) {
                events(ex);
            } else if (path.equals("/review")) {
                List<AuditEvent> greens = parts.audit().read(Optional.empty(), 0).events().stream()
                        .filter(e -> e.event().equals("green")).toList();
                html(ex, 200, pages.review(reviews.page(greens, guard.hasToken(ex), parts.mode())));
            } else if (path.startsWith("/stage/")) {
                stage(ex, URLDecoder.decode(path.substring("/stage/".length()), StandardCharsets.UTF_8));
            } else if (path.equals("/log")) {
                log(ex, query.get("path"));
            } else if (path.equals("/static/console.js")) {
                resource(ex, "console.js", "text/javascript; charset=utf-8");
            } else if (path.equals("/static/console.css")) {
                resource(ex, "console.css", "text/css; charset=utf-8");
            } else {
                text(ex, 404, "not found: the console has /, /review, /stage/<name> and /log?path=...\n");
            }
        } catch (IOException | RuntimeException e) {
            text(ex, 500, parts.redactor().redact("error: " + e.getMessage()) + "\n");
        }
    }

    /** {@code /?token=...}: the printed URL. Sets the token cookie and sends the browser on without the token in its address. */
    private void login(HttpExchange ex, String path, String candidate) throws IOException {
        if (!guard.matches(candidate)) {
            text(ex, 403, "forbidden: that is not this console's token (it changes every start; see state/console.token)\n");
            return;
        }
        ex.getResponseHeaders().add("Set-Cookie", guard.cookieName() + "=" + candidate + "; Path=/; HttpOnly; SameSite=Strict");
        ex.getResponseHeaders().set("Location", path.startsWith("/") && !path.startsWith("//") ? path : "/");
        text(ex, 303, "signed in\n");
    }

    // ---- pages ---------------------------------------------------------------------------------

    private View.Board board(HttpExchange ex) throws IOException {
        Map<String, List<View.Card>> byStatus = new LinkedHashMap<>();
        COLUMNS.forEach(c -> byStatus.put(c, new ArrayList<>()));
        for (Console.StageRow r : parts.source().rows()) {
            byStatus.computeIfAbsent(r.status(), k -> new ArrayList<>()).add(card(r));
        }
        List<View.Column> columns = new ArrayList<>();
        byStatus.forEach((status, cards) -> columns.add(new View.Column(status, TITLES.getOrDefault(status, status), cards)));
        return new View.Board(columns, parts.clock().instant().toString(), guard.hasToken(ex), parts.mode());
    }

    private View.Card card(Console.StageRow r) {
        var red = parts.redactor();
        String log = r.lastLog();
        boolean showable = log != null && logs.resolve(log).isPresent();
        return new View.Card(r.name(), r.status(), r.reason() == null ? null : red.redact(r.reason()), r.attempts(),
                r.attemptCounter(), r.fingerprint(), r.apiCalls() + "/" + r.apiCallBudget(),
                r.stageApiCalls() + "/" + r.stageApiCallCap(), r.tokens(), r.lastRun(),
                showable ? "/log?path=" + URLEncoder.encode(log, StandardCharsets.UTF_8) : null,
                log == null ? null : red.redact(log.substring(log.lastIndexOf('/') + 1)),
                "/stage/" + URLEncoder.encode(r.name(), StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private void stage(HttpExchange ex, String name) throws IOException {
        Optional<Console.StageRow> row = parts.source().rows().stream().filter(r -> r.name().equals(name)).findFirst();
        if (row.isEmpty()) {
            text(ex, 404, "no stage named '" + parts.redactor().redact(name) + "'\n");
            return;
        }
        var read = parts.audit().read(Optional.of(name), 0);
        List<AuditEvent> all = read.events();
        List<AuditEvent> shown = all.subList(Math.max(0, all.size() - TIMELINE_EVENTS), all.size());
        View.Stage page = new View.Stage(card(row.get()), timeline.entries(shown), all.size(),
                row.get().status().equals("give_up"), guard.hasToken(ex), parts.mode());
        html(ex, 200, pages.stage(page));
    }

    /** A log's end as plain text (never HTML), redacted. */
    private void log(HttpExchange ex, String relative) throws IOException {
        Optional<SafeFiles.Tail> t = logs.tail(relative, Timeline.MAX_FILE);
        if (t.isEmpty()) {
            text(ex, 404, "no such log under logs/\n");
            return;
        }
        String head = t.get().cut() ? "[engine console: the last " + Timeline.MAX_FILE / 1024 + " KB of " + t.get().size() + " bytes]\n" : "";
        text(ex, 200, head + parts.redactor().redactFile(relative, t.get().text()));
    }

    private void resource(HttpExchange ex, String name, String type) throws IOException {
        try (InputStream in = ConsoleHandler.class.getResourceAsStream("static/" + name)) {
            if (in == null) {
                text(ex, 404, "missing resource " + name + "\n");
                return;
            }
            send(ex, 200, type, in.readAllBytes());
        }
    }

    /** Server-sent events: a {@code board} event per change, a comment every 15 s to notice a closed tab. */
    private void events(HttpExchange ex) throws IOException {
        if (!feed.openStream()) {
            text(ex, 503, "too many live views open; close one or reload later\n");
            return;
        }
        try {
            Headers h = ex.getResponseHeaders();
            secure(h);
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long seen = feed.seq();
            out.write("retry: 3000\n: live\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!feed.closed()) {
                long now = feed.awaitAfter(seen, 15_000);
                if (now > seen) {
                    seen = now;
                    out.write(("event: board\ndata: " + feed.note() + "\n\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.closeStream();
        }
    }

    // ---- actions -------------------------------------------------------------------------------

    private void action(HttpExchange ex, String name) throws IOException {
        Optional<String> refused = guard.refuseAction(ex);
        if (refused.isPresent()) {
            text(ex, 403, "forbidden: " + refused.get() + "; nothing was changed\n");
            return;
        }
        Map<String, String> form;
        try {
            form = form(readBody(ex));
        } catch (IllegalArgumentException e) {
            text(ex, 400, "bad request: " + e.getMessage() + "\n");
            return;
        }
        ActionRequest request;
        String back;
        try {
            String reason = blankToNull(form.get("reason"));
            switch (name) {
                case "reset" -> {
                    String stage = form.getOrDefault("stage", "");
                    if (parts.source().rows().stream().noneMatch(r -> r.name().equals(stage))) {
                        text(ex, 400, "bad request: no stage named '" + parts.redactor().redact(stage) + "'\n");
                        return;
                    }
                    request = ActionRequest.reset(List.of(stage), ActionRequest.VIA_CONSOLE);
                    back = "/stage/" + URLEncoder.encode(stage, StandardCharsets.UTF_8).replace("+", "%20");
                }
                case "approve" -> {
                    request = ActionRequest.approve(form.get("commit"), false, reason, ActionRequest.VIA_CONSOLE);
                    back = "/review";
                }
                case "reject" -> {
                    request = ActionRequest.reject(form.get("commit"), reason, ActionRequest.VIA_CONSOLE);
                    back = "/review";
                }
                default -> {
                    text(ex, 404, "no action '" + name + "': reset, approve or reject\n");
                    return;
                }
            }
        } catch (IllegalArgumentException e) {
            text(ex, 400, "bad request: " + e.getMessage() + "\n");
            return;
        }
        CompletableFuture<ActionResult> done = parts.actions().submit(request);
        View.Result result;
        int code;
        try {
            ActionResult r = done.get(ACTION_WAIT_SECONDS, TimeUnit.SECONDS);
            result = new View.Result(request.describe(), r.exit(), parts.redactor().redact(r.out()), parts.redactor().redact(r.err()),
                    false, back);
            code = r.exit() == 0 ? 200 : 409;
        } catch (TimeoutException e) {
            result = new View.Result(request.describe(), 0, "", "", true, back);
            code = 202;
        } catch (ExecutionException e) {
            String why = e.getCause() == null ? String.valueOf(e) : String.valueOf(e.getCause().getMessage());
            result = new View.Result(request.describe(), 3, "", parts.redactor().redact(why) + "\n", false, back);
            code = 409;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        html(ex, code, pages.result(result, parts.mode(), true));
    }

    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_FORM + 1);
            if (b.length > MAX_FORM) {
                throw new IllegalArgumentException("form larger than " + MAX_FORM + " bytes");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** {@code application/x-www-form-urlencoded} (also a query string); a repeated name keeps its first value. */
    static Map<String, String> form(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.putIfAbsent(k, v);
        }
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    // ---- responses -----------------------------------------------------------------------------

    static void secure(Headers h) {
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with a form's
        // POST, and the Origin check could not tell the console's own forms from anybody's.
        h.set("Referrer-Policy", "same-origin");
        h.set("Cross-Origin-Opener-Policy", "same-origin");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
        h.set("Cache-Control", "no-store");
    }

    private static void html(HttpExchange ex, int code, byte[] body) throws IOException {
        send(ex, code, "text/html; charset=utf-8", body);
    }

    private static void text(HttpExchange ex, int code, String body) throws IOException {
        send(ex, code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        secure(ex.getResponseHeaders());
        ex.getResponseHeaders().set("Content-Type", type);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(code, -1);
            return;
        }
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
