package dev.engine.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engine.state.Json;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.function.Supplier;

/** The endpoints of a running watch: readiness from state and lock, status and metrics from one status reading each. */
public final class WatchEndpoints implements WatchServer.Endpoints {
    private final StatusSource status;
    private final Supplier<WatchView> view;
    private final WatchMetrics metrics;
    private final StateStore state;
    private final LockWatch lock;
    private final ObjectMapper json = Json.mapper();

    public WatchEndpoints(StatusSource status, Supplier<WatchView> view, WatchMetrics metrics, StateStore state, LockWatch lock) {
        this.status = status;
        this.view = view;
        this.metrics = metrics;
        this.state = state;
        this.lock = lock;
    }

    @Override
    public Optional<String> notReady() {
        try {
            state.statuses();
            state.infos();
            state.errors();
        } catch (IOException | RuntimeException e) {
            return Optional.of("state is not readable: " + e.getMessage());
        }
        return lock.problem();
    }

    /** The {@code engine status --json} document with a {@code watch} object added. */
    @Override
    public byte[] statusJson() throws IOException {
        ObjectNode doc = status.read().document();
        doc.set("watch", json.valueToTree(view.get()));
        return json.writeValueAsBytes(doc);
    }

    @Override
    public void writeMetrics(OutputStream out) throws IOException {
        metrics.write(status.read().stages(), out);
    }

    @Override
    public String metricsContentType() {
        return WatchMetrics.CONTENT_TYPE;
    }
}
