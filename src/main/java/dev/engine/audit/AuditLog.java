package dev.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.engine.state.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Append-only audit trail (invariant I10). Each event is one JSON line written with a single
 * append, so a killed engine leaves whole lines; a reader skips (and counts) a torn last line
 * that only a power loss could produce.
 */
public final class AuditLog {
    public static final String FILE = "audit.jsonl";

    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = Json.mapper().disable(SerializationFeature.INDENT_OUTPUT);

    public AuditLog(Path stateDir, Clock clock) {
        this.file = stateDir.resolve(FILE);
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    /** Event details in the order given ({@code key, value, key, value, ...}); null values are kept. */
    public static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public AuditEvent append(String stage, String event, Map<String, Object> details) throws IOException {
        AuditEvent e = new AuditEvent(clock.instant().toString(), stage, event, details);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", e.time());
        if (stage != null) {
            line.put("stage", stage);
        }
        line.put("event", event);
        line.put("details", new LinkedHashMap<>(details == null ? Map.of() : details));
        byte[] bytes = (json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
        return e;
    }

    /** The result of reading the trail: the events wanted and how many lines could not be parsed. */
    public record Read(List<AuditEvent> events, int unreadableLines) {}

    /** The last {@code tail} events (all when {@code tail <= 0}), optionally only one stage's. */
    public Read read(Optional<String> stage, int tail) throws IOException {
        Deque<AuditEvent> kept = new ArrayDeque<>();
        int bad = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Optional<AuditEvent> e = parse(line);
                if (e.isEmpty()) {
                    bad++;
                    continue;
                }
                if (stage.isPresent() && !stage.get().equals(e.get().stage())) {
                    continue;
                }
                kept.addLast(e.get());
                if (tail > 0 && kept.size() > tail) {
                    kept.removeFirst();
                }
            }
        } catch (NoSuchFileException e) {
            return new Read(List.of(), 0);
        }
        return new Read(new ArrayList<>(kept), bad);
    }

    @SuppressWarnings("unchecked")
    private Optional<AuditEvent> parse(String line) {
        try {
            Map<String, Object> m = json.readValue(line, Map.class);
            Object details = m.get("details");
            return Optional.of(new AuditEvent(
                    String.valueOf(m.get("time")),
                    m.get("stage") == null ? null : String.valueOf(m.get("stage")),
                    String.valueOf(m.get("event")),
                    details instanceof Map<?, ?> d ? (Map<String, Object>) d : Map.of()));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
