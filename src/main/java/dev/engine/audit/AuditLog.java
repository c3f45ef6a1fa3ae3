package dev.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Append-only audit trail (invariant I10). Each event is one JSON line written with a single
 * append, so a killed engine leaves whole lines; a reader skips (and counts) a torn last line
 * that only a power loss could produce.
 *
 * <p>Every string in an event's details goes through the redaction it was built with before it
 * is written (invariant I8): details quote commands, reasons, model summaries and refusals, and
 * the trail is kept for humans and read back into case files.
 */
public final class AuditLog {
    public static final String FILE = "audit.jsonl";

    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = Json.mapper().disable(SerializationFeature.INDENT_OUTPUT);
    private final UnaryOperator<String> redact;

    /** Without redaction: for tests and tools that write only texts of their own. */
    public AuditLog(Path stateDir, Clock clock) {
        this(stateDir, clock, UnaryOperator.identity());
    }

    /**
     * @param redact applied to every string in the details of each event appended (the engine's
     *     Redactor; asked only when an event is written, so readers never build it)
     */
    public AuditLog(Path stateDir, Clock clock, UnaryOperator<String> redact) {
        this.file = stateDir.resolve(FILE);
        this.clock = clock;
        this.redact = redact;
    }

    public Path file() {
        return file;
    }

    /** Event details in the order given ({@code key, value, key, value, ...}); null values are kept. */
    public static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Appends one event; the event returned (and written) holds the redacted details. */
    public AuditEvent append(String stage, Event kind, Map<String, Object> details) throws IOException {
        String event = kind.wire();
        Map<String, Object> redacted = new LinkedHashMap<>();
        if (details != null) {
            details.forEach((k, v) -> redacted.put(k, redacted(v)));
        }
        AuditEvent e = new AuditEvent(clock.instant().toString(), stage, event, redacted);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", e.time());
        if (stage != null) {
            line.put("stage", stage);
        }
        line.put("event", event);
        line.put("details", redacted);
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

    /** Strings redacted, also inside lists and maps; numbers, booleans and null as they are. */
    private Object redacted(Object v) {
        if (v instanceof String s) {
            return s.isEmpty() ? s : redact.apply(s);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, redacted(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            c.forEach(x -> out.add(redacted(x)));
            return out;
        }
        if (v == null || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        // anything else (a record, an enum, a Path) is written as Jackson writes it, with its strings redacted
        return redacted(json.<JsonNode>valueToTree(v));
    }

    private JsonNode redacted(JsonNode n) {
        if (n.isTextual()) {
            return TextNode.valueOf(redact.apply(n.asText()));
        }
        if (n.isContainerNode()) {
            JsonNode copy = n.deepCopy();
            if (copy instanceof ObjectNode o) {
                o.fields().forEachRemaining(f -> f.setValue(redacted(f.getValue())));
            } else if (copy instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, redacted(a.get(i)));
                }
            }
            return copy;
        }
        return n;
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
