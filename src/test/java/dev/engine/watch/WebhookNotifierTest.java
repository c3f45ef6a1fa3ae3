package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.audit.AuditEvent;
import dev.engine.audit.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookNotifierTest {
    private static final Notification DRIFT = new Notification("drift", "talos", "drift: talosctl health exited 1",
            "2026-11-22T03:49:00Z", "pve-lab");

    @TempDir
    Path tmp;

    MockWebServer server;
    AuditLog audit;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
        audit = new AuditLog(tmp, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    WebhookNotifier notifier(int tries) {
        return new WebhookNotifier(new WebhookNotifier.Options(server.url("/hooks/s3cr3t-token").uri(), tries,
                Duration.ofMillis(10), Duration.ofSeconds(10), 100, Duration.ofSeconds(30)), audit,
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void postsTheNotificationAsJson() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(204));
        try (WebhookNotifier n = notifier(3)) {
            n.send(DRIFT);
        }
        RecordedRequest r = server.takeRequest(30, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getPath()).isEqualTo("/hooks/s3cr3t-token");
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        JsonNode body = new ObjectMapper().readTree(r.getBody().readUtf8());
        assertThat(body.path("event").asText()).isEqualTo("drift");
        assertThat(body.path("stage").asText()).isEqualTo("talos");
        assertThat(body.path("reason").asText()).isEqualTo("drift: talosctl health exited 1");
        assertThat(body.path("time").asText()).isEqualTo("2026-11-22T03:49:00Z");
        assertThat(body.path("host").asText()).isEqualTo("pve-lab");
        assertThat(body.size()).isEqualTo(5);
    }

    @Test
    void aStageLessEventStillCarriesAllFiveFields() throws Exception {
        server.enqueue(new MockResponse());
        try (WebhookNotifier n = notifier(1)) {
            n.send(new Notification("review_pending", null, "1 new AI commit(s)", "t", "h"));
        }
        JsonNode body = new ObjectMapper().readTree(server.takeRequest(30, TimeUnit.SECONDS).getBody().readUtf8());
        assertThat(body.has("stage")).isTrue();
        assertThat(body.get("stage").isNull()).isTrue();
    }

    @Test
    void aFailedDeliveryIsRetriedUntilItGoesThrough() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(502));
        server.enqueue(new MockResponse().setResponseCode(503));
        server.enqueue(new MockResponse().setResponseCode(200));
        WebhookNotifier n = notifier(3);
        n.send(DRIFT);
        n.close();

        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(n.stats().sent()).isEqualTo(1);
        assertThat(n.stats().failed()).isZero();
        assertThat(read("notify_failed")).isEmpty();
    }

    @Test
    void aDeliveryThatNeverWorksIsReportedOnStderrAndInTheAuditTrailWithoutTheSecretPath() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse().setResponseCode(500));
        }
        WebhookNotifier n = notifier(3);
        n.send(DRIFT);
        n.close();

        assertThat(server.getRequestCount()).as("bounded: exactly the configured tries").isEqualTo(3);
        assertThat(n.stats().failed()).isEqualTo(1);
        List<AuditEvent> failed = read("notify_failed");
        assertThat(failed).singleElement().satisfies(e -> {
            assertThat(e.stage()).isEqualTo("talos");
            assertThat(e.details()).containsEntry("notification", "drift").containsEntry("tries", 3)
                    .containsEntry("error", "HTTP 500");
        });
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertThat(stderr).contains("notification drift for talos").contains("failed: HTTP 500");
        assertThat(stderr + failed).doesNotContain("s3cr3t-token");
    }

    @Test
    void anUnreachableReceiverIsAFailureNotAnError() throws Exception {
        server.shutdown(); // nothing listens on the port any more
        WebhookNotifier n = notifier(2);
        n.send(DRIFT);
        n.close();
        assertThat(n.stats().failed()).isEqualTo(1);
        assertThat(read("notify_failed").get(0).details().get("error").toString()).contains("ConnectException");
    }

    @Test
    void aSlowReceiverNeverBlocksTheSender() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                release.await(60, TimeUnit.SECONDS);
                return new MockResponse();
            }
        });
        WebhookNotifier n = notifier(1);
        // the receiver answers nothing until released; every send must still return at once
        for (int i = 0; i < 5; i++) {
            n.send(DRIFT);
        }
        assertThat(server.takeRequest(30, TimeUnit.SECONDS)).as("the first is being delivered").isNotNull();
        assertThat(n.stats().sent()).as("... and has not gone through: the sends above did not wait for it").isZero();
        release.countDown();
        n.close();
        assertThat(n.stats().sent()).isEqualTo(5);
    }

    @Test
    void whenTheQueueIsFullNewNotificationsAreDroppedAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                release.await(60, TimeUnit.SECONDS);
                return new MockResponse();
            }
        });
        WebhookNotifier n = new WebhookNotifier(new WebhookNotifier.Options(server.url("/h").uri(), 1, Duration.ofMillis(10),
                Duration.ofSeconds(30), 2, Duration.ofSeconds(30)), audit, new PrintStream(err, true, StandardCharsets.UTF_8));
        n.send(DRIFT);
        server.takeRequest(30, TimeUnit.SECONDS); // the thread is busy with the first
        for (int i = 0; i < 5; i++) {
            n.send(DRIFT); // two fit in the queue
        }
        assertThat(n.stats().dropped()).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("dropped");
        release.countDown();
        n.close();
        assertThat(n.stats().sent()).isEqualTo(3);
    }

    private List<AuditEvent> read(String event) throws Exception {
        return audit.read(Optional.empty(), 0).events().stream().filter(e -> e.event().equals(event)).toList();
    }

    /** Issue 13: the reason quotes the failed check, and a check may hold a password; the payload carries a placeholder. */
    @Test
    void theReasonIsRedactedBeforeItLeaves() throws Exception {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 9);
        dev.engine.redact.Redactor r = dev.engine.redact.Redactor.create(key, java.util.Map.of());
        server.enqueue(new MockResponse().setResponseCode(204));
        try (WebhookNotifier n = new WebhookNotifier(new WebhookNotifier.Options(server.url("/hook").uri(), 1, Duration.ofMillis(10),
                Duration.ofSeconds(10), 100, Duration.ofSeconds(30)), audit, new PrintStream(err, true, StandardCharsets.UTF_8), r::redact)) {
            n.send(new Notification("drift", "grafana", "drift: curl -fsS -u admin:Tr0ub4dor-x7Kq2pWalrus https://grafana.lan/api/health exited 22",
                    "2026-11-22T03:49:00Z", "pve-lab"));
        }
        String body = server.takeRequest(30, TimeUnit.SECONDS).getBody().readUtf8();
        assertThat(body).doesNotContain("Tr0ub4dor-x7Kq2pWalrus");
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.path("reason").asText()).startsWith("drift: curl -fsS -u admin:[REDACTED:").endsWith(" https://grafana.lan/api/health exited 22");
        assertThat(json.path("stage").asText()).isEqualTo("grafana");
    }
}
