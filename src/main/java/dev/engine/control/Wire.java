package dev.engine.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engine.state.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The control channel's wire format: one JSON object per line. The client sends one request line;
 * watch answers with any number of {@code {"progress": "..."}} lines and one result line
 * {@code {"exit": N, "out": "...", "err": "..."}}.
 */
final class Wire {
    /** A request or answer line longer than this is no line this engine wrote. */
    static final int MAX_LINE = 1 << 20;
    private static final ObjectMapper JSON = Json.mapper().disable(SerializationFeature.INDENT_OUTPUT);

    private Wire() {}

    static byte[] request(ActionRequest r) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", r.kind().wire());
        ArrayNode stages = o.putArray("stages");
        r.stages().forEach(stages::add);
        if (r.commit() != null) {
            o.put("commit", r.commit());
        }
        o.put("all", r.all());
        if (r.reason() != null) {
            o.put("reason", r.reason());
        }
        o.put("via", r.via());
        return line(o);
    }

    /** @throws IllegalArgumentException when the line is not a request this engine understands */
    static ActionRequest parseRequest(String line) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("the request is not JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("the request is not a JSON object");
        }
        ActionRequest.Kind kind;
        try {
            kind = ActionRequest.Kind.valueOf(o.path("kind").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown action '" + o.path("kind").asText("") + "' (reset, approve or reject)");
        }
        List<String> stages = new ArrayList<>();
        o.path("stages").forEach(n -> stages.add(n.asText()));
        return new ActionRequest(kind, stages, text(o, "commit"), o.path("all").asBoolean(false), text(o, "reason"),
                o.path("via").asText(""));
    }

    static byte[] progress(String text) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("progress", text);
        return line(o);
    }

    static byte[] result(ActionResult r) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("exit", r.exit());
        o.put("out", r.out());
        o.put("err", r.err());
        return line(o);
    }

    /** A parsed answer line: progress text, or the result. */
    record Answer(String progress, ActionResult result) {}

    static Answer parseAnswer(String line) throws IOException {
        JsonNode o = JSON.readTree(line);
        if (o.has("progress")) {
            return new Answer(o.path("progress").asText(), null);
        }
        if (!o.has("exit")) {
            throw new IOException("watch answered with neither progress nor a result: " + line);
        }
        return new Answer(null, new ActionResult(o.path("exit").asInt(1), o.path("out").asText(""), o.path("err").asText("")));
    }

    /** One line from {@code in} without its newline; null at the end of the stream before any byte. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return buf.toString(StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_LINE) {
                throw new IOException("a control channel line is longer than " + MAX_LINE + " bytes");
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static byte[] line(ObjectNode o) throws IOException {
        byte[] body = JSON.writeValueAsBytes(o);
        byte[] out = new byte[body.length + 1];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = '\n';
        return out;
    }
}
