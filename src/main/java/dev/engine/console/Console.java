package dev.engine.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.engine.audit.AuditLog;
import dev.engine.config.Layout;
import dev.engine.control.ActionRequest;
import dev.engine.control.ActionResult;
import dev.engine.redact.Redactor;
import dev.engine.state.StateStore;
import dev.engine.watch.WatchServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The web console (DESIGN.md §9): board, stage timelines, review with side-by-side diffs, and the
 * reset, approve and reject actions. Served by {@code engine watch} on its listener and by
 * {@code engine console}; both give it the same {@link Parts}, and differ in how an action is
 * carried out ({@link Actions}).
 */
public final class Console implements AutoCloseable {

    /** One stage as the board shows it, before redaction (the console redacts). */
    public record StageRow(String name, String status, String reason, int attempts, int attemptCounter, String fingerprint,
                           int apiCalls, int apiCallBudget, int stageApiCalls, int stageApiCallCap, long tokens,
                           String lastRun, String lastLog) {}

    /** The stages, read afresh for each page. */
    @FunctionalInterface
    public interface Source {
        List<StageRow> rows() throws IOException;
    }

    /** Carries out an action; the future completes when it was done (watch: between two stages). */
    @FunctionalInterface
    public interface Actions {
        CompletableFuture<ActionResult> submit(ActionRequest request);
    }

    /**
     * What the console serves; made with {@link #builder()}.
     *
     * @param remote the listener is not a loopback address: every page needs the token
     * @param mode what serves the console, shown in its header (e.g. "engine watch, pid 4242")
     */
    public record Parts(Layout layout, String aiBranch, AuditLog audit, Redactor redactor, Source source, Actions actions,
                        boolean remote, String mode, Clock clock) {

        public static Builder builder() {
            return new Builder();
        }

        /** Every part is required, {@code remote} too. */
        public static final class Builder {
            private Layout layout;
            private String aiBranch;
            private AuditLog audit;
            private Redactor redactor;
            private Source source;
            private Actions actions;
            private Boolean remote;
            private String mode;
            private Clock clock;

            private Builder() {}

            public Builder layout(Layout layout) {
                this.layout = layout;
                return this;
            }

            public Builder aiBranch(String aiBranch) {
                this.aiBranch = aiBranch;
                return this;
            }

            public Builder audit(AuditLog audit) {
                this.audit = audit;
                return this;
            }

            public Builder redactor(Redactor redactor) {
                this.redactor = redactor;
                return this;
            }

            public Builder source(Source source) {
                this.source = source;
                return this;
            }

            public Builder actions(Actions actions) {
                this.actions = actions;
                return this;
            }

            /** Whether the listener is not a loopback address; no default, as it decides whether every page needs the token. */
            public Builder remote(boolean remote) {
                this.remote = remote;
                return this;
            }

            public Builder mode(String mode) {
                this.mode = mode;
                return this;
            }

            public Builder clock(Clock clock) {
                this.clock = clock;
                return this;
            }

            public Parts build() {
                return new Parts(required(layout, "layout"), required(aiBranch, "aiBranch"), required(audit, "audit"),
                        required(redactor, "redactor"), required(source, "source"), required(actions, "actions"),
                        required(remote, "remote"), required(mode, "mode"), required(clock, "clock"));
            }

            private static <T> T required(T part, String name) {
                if (part == null) {
                    throw new IllegalStateException("Console.Parts: " + name + " is required");
                }
                return part;
            }
        }
    }

    private final ConsoleToken token;
    private final BoardFeed feed;
    private final ConsoleHandler handler;
    private volatile int port;

    private Console(ConsoleToken token, BoardFeed feed, ConsoleHandler handler) {
        this.token = token;
        this.feed = feed;
        this.handler = handler;
    }

    /** Makes this start's token (in {@code state/console.token}) and starts following the audit trail. */
    public static Console start(Parts parts) throws IOException {
        Layout l = parts.layout();
        ConsoleToken token = ConsoleToken.create(l.stateDir());
        BoardFeed feed = new BoardFeed(parts.audit().file(), List.of(l.stateDir().resolve(StateStore.STATUS_FILE),
                l.stateDir().resolve(StateStore.INFO_FILE), l.stateDir().resolve(StateStore.ERRORS_FILE)),
                parts.redactor(), parts.clock(), Duration.ofMillis(300));
        Console[] self = new Console[1];
        Guard guard = new Guard(token, parts.remote(), () -> self[0].port);
        self[0] = new Console(token, feed, new ConsoleHandler(parts, guard, feed));
        return self[0];
    }

    /** Call once the listener is bound: the Host and Origin checks compare against its port. */
    public void boundTo(InetSocketAddress address) {
        this.port = address.getPort();
    }

    /** Every console path; for a listener of its own or as the pages beside watch's endpoints. */
    public HttpHandler handler() {
        return handler;
    }

    /** The console as the pages beside {@code engine watch}'s endpoints on its listener. */
    public WatchServer.Pages watchPages() {
        return new WatchServer.Pages() {
            @Override
            public void handle(HttpExchange exchange) throws IOException {
                handler.handle(exchange);
            }

            @Override
            public Optional<String> refuseData(HttpExchange exchange) {
                return handler.refuseData(exchange);
            }
        };
    }

    /** Why a request may not read watch's data endpoints (/api/status, /metrics): beyond loopback they need the token too. */
    public Optional<String> refuseData(HttpExchange ex) {
        return handler.refuseData(ex);
    }

    /** The address to open, with the token; printed once at start. */
    public String loginUrl(String boundHostPort) {
        return "http://" + boundHostPort + "/?token=" + token.value();
    }

    public ConsoleToken token() {
        return token;
    }

    @Override
    public void close() {
        feed.close();
        token.forget();
    }
}
