package dev.engine.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.audit.AuditLog;
import dev.engine.audit.Event;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * POSTs each notification as JSON to a webhook from one background thread, so a slow or dead
 * receiver never holds up converging. Each is tried a bounded number of times with doubling
 * pauses; what still fails is reported on stderr and as a {@code notify_failed} audit event,
 * never as an error of the engine. The queue is bounded too: when a receiver is down for long,
 * the newest notifications are dropped (and counted) rather than kept in memory without end.
 */
public final class WebhookNotifier implements Notifier {

    /**
     * @param tries attempts per notification, the first included
     * @param firstPause the pause after the first failed try; it doubles after each further one
     * @param timeout for connecting and for the whole request
     * @param queue notifications waiting for the thread, beyond which new ones are dropped
     * @param closeGrace how long {@link #close} lets queued notifications go out
     */
    public record Options(URI url, int tries, Duration firstPause, Duration timeout, int queue, Duration closeGrace) {
        public static Options defaults(URI url) {
            return new Options(url, 3, Duration.ofSeconds(2), Duration.ofSeconds(10), 100, Duration.ofSeconds(5));
        }
    }

    private final Options options;
    private final AuditLog audit;
    private final PrintStream err;
    private final HttpClient http;
    private final ThreadPoolExecutor thread;
    private final ObjectMapper json = new ObjectMapper();
    private final String target;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final UnaryOperator<String> redact;

    public WebhookNotifier(Options options, AuditLog audit, PrintStream err) {
        this(options, audit, err, UnaryOperator.identity());
    }

    /**
     * @param redact applied to the texts of each payload before it leaves (I8): a reason quotes
     *     the success check that failed, and a check may hold a password
     */
    public WebhookNotifier(Options options, AuditLog audit, PrintStream err, UnaryOperator<String> redact) {
        this.redact = redact;
        this.options = options;
        this.audit = audit;
        this.err = err;
        this.target = options.url().getScheme() + "://" + options.url().getHost()
                + (options.url().getPort() < 0 ? "" : ":" + options.url().getPort());
        // HTTP/1.1: the default HTTP/2 attempt sends an h2c upgrade that some small receivers reject.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(options.queue()), r -> {
            Thread t = new Thread(r, "engine-webhook");
            t.setDaemon(true); // never keeps the JVM alive after the command is done
            return t;
        });
    }

    @Override
    public void send(Notification n) {
        try {
            thread.execute(() -> deliver(n));
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
            err.println("engine watch: notification " + n.event() + (n.stage() == null ? "" : " for " + n.stage())
                    + " dropped: " + (thread.isShutdown() ? "watch is stopping" : options.queue() + " notifications already wait for " + target));
        }
    }

    private void deliver(Notification n) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(new Notification(n.event(), n.stage(), redacted(n.reason()), n.time(), n.host()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(options.url()).timeout(options.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "engine-watch")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        String lastError = "";
        Duration pause = options.firstPause();
        for (int attempt = 1; attempt <= options.tries(); attempt++) {
            try {
                HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    sent.incrementAndGet();
                    return;
                }
                lastError = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastError = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lastError = "watch stopped before it went out";
                break;
            }
            if (attempt < options.tries() && !sleep(pause)) {
                lastError += "; watch stopped before the next try";
                break;
            }
            pause = pause.multipliedBy(2);
        }
        failed.incrementAndGet();
        err.println("engine watch: notification " + n.event() + (n.stage() == null ? "" : " for " + n.stage())
                + " to " + target + " failed: " + lastError);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("notification", n.event());
        d.put("target", target);
        d.put("tries", options.tries());
        d.put("error", lastError);
        try {
            audit.append(n.stage(), Event.NOTIFY_FAILED, d);
        } catch (IOException e) {
            err.println("engine watch: could not record notify_failed in the audit trail: " + e.getMessage());
        }
    }

    private String redacted(String text) {
        return text == null || text.isEmpty() ? text : redact.apply(text);
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Stats stats() {
        return new Stats(target, sent.get(), failed.get(), dropped.get());
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(options.closeGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                dropped.addAndGet(thread.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            dropped.addAndGet(thread.shutdownNow().size());
            Thread.currentThread().interrupt();
        }
    }
}
