package dev.engine.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.state.StageStatus;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The metrics of /metrics, in the Prometheus text format through the Prometheus Java client.
 *
 * <p>Stage figures are read from state at each scrape (callbacks over the reading handed to
 * {@link #write}); they follow the state's counters, so attempts, API calls and tokens go back to
 * zero on {@code engine reset} (and API calls and tokens when a stage turns green), which Prometheus
 * treats as a counter reset. Patches are counted from the audit trail incrementally; cycles and
 * drift are counted by this process, from zero at its start.
 */
public final class WatchMetrics {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter cycles;
    private final Counter drift;
    private final Counter patches;
    private final AuditTail audit;
    private final ObjectMapper json = new ObjectMapper();
    /** The reading the callbacks report; set under the lock for the length of one scrape. */
    private List<StageFigures> current = List.of();

    /** @param auditFile {@code state/audit.jsonl}, where patch events are counted from */
    private final Counter apiCalls;
    private final Counter apiTokens;

    public WatchMetrics(Path auditFile) {
        this.audit = new AuditTail(auditFile);
        GaugeWithCallback.builder().name("engine_stage_status")
                .help("1 for the stage's current status in state/stage_status.json, 0 for the others")
                .labelNames("stage", "status")
                .callback(cb -> current.forEach(f -> {
                    for (StageStatus s : StageStatus.values()) {
                        cb.call(s.wire().equals(f.status()) ? 1 : 0, f.stage(), s.wire());
                    }
                })).register(registry);
        counter("engine_stage_attempts", "Attempts since the stage was last reset", StageFigures::attempts);
        apiCalls = Counter.builder().name("engine_api_calls").help("Model API calls of the stage recorded in the audit trail (model_call events)")
                .labelNames("stage").withoutExemplars().register(registry);
        apiTokens = Counter.builder().name("engine_api_tokens").help("Model API tokens of the stage recorded in the audit trail")
                .labelNames("stage").withoutExemplars().register(registry);
        gauge("engine_stage_last_run_timestamp_seconds", "Start of the stage's last attempt (Unix time)", StageFigures::lastRunEpochSeconds);
        gauge("engine_stage_last_run_duration_seconds", "Length of the stage's last attempt", StageFigures::lastDurationSeconds);
        patches = Counter.builder().name("engine_patches").help("Patches applied to or refused for the AI branch (audit events)")
                .labelNames("stage", "result").withoutExemplars().register(registry);
        cycles = Counter.builder().name("engine_watch_cycles").help("Cycles this watch process has finished")
                .withoutExemplars().register(registry);
        drift = Counter.builder().name("engine_drift").help("Green stages whose success checks failed, seen by this watch process")
                .labelNames("stage").withoutExemplars().register(registry);
    }

    private void counter(String name, String help, Function<StageFigures, Long> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("stage")
                .callback(cb -> current.forEach(f -> cb.call(value.apply(f), f.stage()))).register(registry);
    }

    private void gauge(String name, String help, Function<StageFigures, Double> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("stage")
                .callback(cb -> current.forEach(f -> {
                    Double v = value.apply(f);
                    if (v != null) {
                        cb.call(v, f.stage());
                    }
                })).register(registry);
    }

    public void cycleFinished() {
        cycles.inc();
    }

    public void drift(String stage) {
        drift.labelValues(stage).inc();
    }

    /** Writes every metric, the stage figures taken from {@code stages}. */
    public synchronized void write(List<StageFigures> stages, OutputStream out) throws IOException {
        audit.poll(this::countPatch);
        current = List.copyOf(stages);
        try {
            writer.write(out, registry.scrape());
        } finally {
            current = List.of();
        }
    }

    /**
     * Only lines that mention a patch or model-call event are parsed; the rest of the trail is
     * skipped as text. Counting events (not state) keeps these counters monotonic across green
     * and reset, as Prometheus expects.
     */
    private void countPatch(String line) {
        if (!line.contains("\"patch_applied\"") && !line.contains("\"patch_refused\"") && !line.contains("\"model_call\"")) {
            return;
        }
        try {
            JsonNode e = json.readTree(line);
            String event = e.path("event").asText();
            String stage = e.path("stage").asText("");
            if (event.equals("patch_applied") || event.equals("patch_refused")) {
                patches.labelValues(stage, event.equals("patch_applied") ? "applied" : "refused").inc();
            } else if (event.equals("model_call")) {
                apiCalls.labelValues(stage).inc();
                apiTokens.labelValues(stage).inc(Math.max(0, e.path("details").path("tokens").asLong(0)));
            }
        } catch (IOException | RuntimeException e) {
            // a torn or foreign line: the audit command reports those; metrics just skip it
        }
    }
}
