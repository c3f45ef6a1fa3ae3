package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints over a real JDK HttpServer on 127.0.0.1:0, fed by a stand-in status reading and real state files. */
class WatchServerTest {
    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newHttpClient();
    final AtomicReference<List<StageFigures>> figures = new AtomicReference<>(List.of());
    final AtomicInteger reads = new AtomicInteger();
    final ObjectMapper json = new ObjectMapper();
    Path stateDir;
    WatchMetrics metrics;
    WatchServer server;
    Path lockFile;
    String base;

    @BeforeEach
    void start() throws IOException {
        stateDir = Files.createDirectories(tmp.resolve("state"));
        lockFile = Files.writeString(stateDir.resolve("engine.lock"), "pid 1, engine watch\n");
        metrics = new WatchMetrics(stateDir.resolve("audit.jsonl"));
        StatusSource status = () -> {
            reads.incrementAndGet();
            ObjectNode doc = json.createObjectNode();
            doc.put("home", tmp.toString());
            doc.putArray("stages").addObject().put("name", "talos").put("status", "green");
            return new StatusSource.Reading(doc, figures.get());
        };
        WatchView view = new WatchView("5m", 300_000, "2026-11-22T03:00:00Z", 7, false, null, "2026-11-22T03:30:00Z",
                "2026-11-22T03:35:00Z", List.of("apps"),
                Map.of("flux", WatchView.BackoffView.of(Backoff.after(2, 6, java.time.Instant.parse("2026-11-22T03:30:00Z"),
                        java.time.Duration.ofMinutes(5), "exit code 1"))),
                Map.of("flux", "backing off"), new Notifier.Stats(null, 0, 0, 0));
        server = WatchServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new WatchEndpoints(status, () -> view, metrics, new StateStore(stateDir), LockWatch.of(lockFile)));
        base = "http://" + ListenAddress.format(server.address());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> request(String method, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return request("GET", path);
    }

    @Test
    void bindsAnEphemeralLoopbackPort() {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.address().getPort()).isPositive();
    }

    @Test
    void healthzSaysOk() throws Exception {
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzIsReadyWhileStateIsReadableAndTheLockFileIsTheOneLocked() throws Exception {
        assertThat(get("/readyz").statusCode()).isEqualTo(200);

        Files.writeString(stateDir.resolve("stage_status.json"), "{\"talos\": ");
        HttpResponse<String> broken = get("/readyz");
        assertThat(broken.statusCode()).isEqualTo(503);
        assertThat(broken.body()).contains("state is not readable").contains("stage_status.json");

        Files.writeString(stateDir.resolve("stage_status.json"), "{}");
        Files.delete(lockFile);
        HttpResponse<String> deleted = get("/readyz");
        assertThat(deleted.statusCode()).isEqualTo(503);
        assertThat(deleted.body()).contains("engine.lock was deleted");
        Files.writeString(lockFile, "someone else\n"); // a new file: our lock no longer keeps anyone out
        HttpResponse<String> replaced = get("/readyz");
        assertThat(replaced.statusCode()).isEqualTo(503);
        assertThat(replaced.body()).contains("engine.lock was replaced");
    }

    @Test
    void apiStatusIsTheStatusDocumentWithAWatchObject() throws Exception {
        HttpResponse<String> r = get("/api/status");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode doc = json.readTree(r.body());
        assertThat(doc.path("stages").get(0).path("name").asText()).isEqualTo("talos");
        JsonNode w = doc.path("watch");
        assertThat(w.path("cycles").asLong()).isEqualTo(7);
        assertThat(w.path("interval").asText()).isEqualTo("5m");
        assertThat(w.path("next_cycle_at").asText()).isEqualTo("2026-11-22T03:35:00Z");
        assertThat(w.path("unverifiable").get(0).asText()).isEqualTo("apps");
        JsonNode b = w.path("backoff").path("flux");
        assertThat(b.path("failures").asInt()).isEqualTo(2);
        assertThat(b.path("delay").asText()).isEqualTo("20m");
        assertThat(b.path("next_attempt_cycle").asLong()).isEqualTo(10);
        assertThat(b.path("not_before").asText()).isEqualTo("2026-11-22T03:50:00Z");
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        figures.set(List.of(
                new StageFigures("talos", "green", 4, 2, 1500, 1_795_300_000.5, 12.25),
                new StageFigures("flux", "failed", 1, 0, 0, null, null)));
        metrics.cycleFinished();
        metrics.cycleFinished();
        metrics.drift("talos");
        // API figures count model_call events, so they stay monotonic when a green stage clears errors.json.
        String call = "{\"time\":\"2026-11-22T03:49:00Z\",\"stage\":\"talos\",\"event\":\"model_call\",\"details\":{\"tokens\":750}}\n";
        append(stateDir.resolve("audit.jsonl"), call + call);

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        Map<String, Double> m = samples(r.body());
        assertThat(m).containsEntry("engine_stage_status{stage=\"talos\",status=\"green\"}", 1.0)
                .containsEntry("engine_stage_status{stage=\"talos\",status=\"failed\"}", 0.0)
                .containsEntry("engine_stage_status{stage=\"flux\",status=\"failed\"}", 1.0)
                .containsEntry("engine_stage_attempts_total{stage=\"talos\"}", 4.0)
                .containsEntry("engine_api_calls_total{stage=\"talos\"}", 2.0)
                .containsEntry("engine_api_tokens_total{stage=\"talos\"}", 1500.0)
                .containsEntry("engine_stage_last_run_timestamp_seconds{stage=\"talos\"}", 1_795_300_000.5)
                .containsEntry("engine_stage_last_run_duration_seconds{stage=\"talos\"}", 12.25)
                .containsEntry("engine_watch_cycles_total", 2.0)
                .containsEntry("engine_drift_total{stage=\"talos\"}", 1.0);
        assertThat(m).as("a stage that never ran has no last-run figures").doesNotContainKey("engine_stage_last_run_timestamp_seconds{stage=\"flux\"}");
        assertThat(r.body()).contains("# TYPE engine_stage_attempts_total counter").contains("# TYPE engine_stage_status gauge");
    }

    @Test
    void patchesAreCountedFromTheAuditTrailIncrementally() throws Exception {
        Path audit = stateDir.resolve("audit.jsonl");
        append(audit, event("talos", "patch_applied") + event("talos", "patch_refused") + event("talos", "attempt_started")
                + event("flux", "patch_refused") + "{torn line without newline");
        Map<String, Double> first = samples(get("/metrics").body());
        assertThat(first).containsEntry("engine_patches_total{result=\"applied\",stage=\"talos\"}", 1.0)
                .containsEntry("engine_patches_total{result=\"refused\",stage=\"talos\"}", 1.0)
                .containsEntry("engine_patches_total{result=\"refused\",stage=\"flux\"}", 1.0);

        // the torn line is completed, then more events arrive: only the new lines count, nothing twice
        append(audit, "}\n" + event("talos", "patch_applied"));
        Map<String, Double> second = samples(get("/metrics").body());
        assertThat(second).containsEntry("engine_patches_total{result=\"applied\",stage=\"talos\"}", 2.0)
                .containsEntry("engine_patches_total{result=\"refused\",stage=\"talos\"}", 1.0);
        Map<String, Double> third = samples(get("/metrics").body());
        assertThat(third).containsEntry("engine_patches_total{result=\"applied\",stage=\"talos\"}", 2.0);
    }

    @Test
    void onlyGetAndHeadAreAnsweredAndUnknownPathsAreNotFound() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/api/status", "/metrics")) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                HttpResponse<String> r = request(method, path);
                assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
            }
        }
        HttpResponse<String> head = request("HEAD", "/healthz");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        for (String path : List.of("/", "/api", "/api/status/x", "/metricsx", "/healthz/")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
    }

    @Test
    void aFailingEndpointAnswers500WithTheReason() throws Exception {
        server.close();
        server = WatchServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new WatchServer.Endpoints() {
            @Override
            public Optional<String> notReady() {
                return Optional.empty();
            }

            @Override
            public byte[] statusJson() throws IOException {
                throw new IOException("state/stage_info.json: not valid JSON at line 3");
            }

            @Override
            public void writeMetrics(java.io.OutputStream out) {
            }

            @Override
            public String metricsContentType() {
                return "text/plain";
            }
        });
        base = "http://" + ListenAddress.format(server.address());
        HttpResponse<String> r = get("/api/status");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("stage_info.json: not valid JSON at line 3");
    }

    /** Sample lines of the text format as name{labels} -> value; comments skipped. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    static String event(String stage, String event) {
        return "{\"time\":\"2026-11-22T03:49:00Z\",\"stage\":\"" + stage + "\",\"event\":\"" + event + "\",\"details\":{}}\n";
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
