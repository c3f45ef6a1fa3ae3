package dev.engine.escalation.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer of the model, checked against {@link #JSON_SCHEMA} and the rules a schema cannot say
 * (which fields a type needs, size limits). Only the fields that belong to the type are kept: a
 * diagnostics answer never carries a patch, so nothing downstream can apply one by mistake.
 *
 * @param patch a unified diff for {@link Type#PATCH}, otherwise null
 * @param commands the commands asked for by {@link Type#DIAGNOSTICS}, otherwise empty
 * @param reason why a human is needed for {@link Type#GIVE_UP}; optional rationale otherwise (may be null)
 */
public record ModelAnswer(Type type, String summary, String patch, List<String> commands, String reason) {

    public enum Type {
        PATCH("patch"), DIAGNOSTICS("diagnostics"), GIVE_UP("give_up");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        /** The value on the wire: {@code patch}, {@code diagnostics} or {@code give_up}. */
        public String wire() {
            return wire;
        }

        static Type ofWire(String value) {
            for (Type t : values()) {
                if (t.wire.equals(value)) {
                    return t;
                }
            }
            return null;
        }
    }

    public static final int MAX_CONTENT_CHARS = 256 * 1024;
    public static final int MAX_SUMMARY_CHARS = 2_000;
    public static final int MAX_PATCH_CHARS = 200_000;
    public static final int MAX_COMMANDS = 20;
    public static final int MAX_COMMAND_CHARS = 1_000;
    public static final int MAX_REASON_CHARS = 8_000;

    /** Schema name sent with {@code response_format}. */
    public static final String SCHEMA_NAME = "engine_answer";

    /**
     * The structured-output schema, strict-mode compatible: every property required, no additional
     * properties, fields that do not apply are null. Limits that strict mode does not accept
     * (maxItems, maxLength) are stated in the descriptions and enforced by {@link #parse}.
     */
    public static final String JSON_SCHEMA = """
            {
              "type": "object",
              "properties": {
                "type": {
                  "type": "string",
                  "enum": ["patch", "diagnostics", "give_up"],
                  "description": "patch: you can fix it with a small patch. diagnostics: you need the output of some read-only commands first. give_up: a human must act."
                },
                "summary": {
                  "type": "string",
                  "description": "One or two sentences: the cause you see and what this answer does."
                },
                "patch": {
                  "type": ["string", "null"],
                  "description": "For type patch: a unified diff (git diff format, paths relative to the repository root). Otherwise null."
                },
                "commands": {
                  "type": ["array", "null"],
                  "items": {"type": "string"},
                  "description": "For type diagnostics: 1 to 20 read-only commands, one command line per item. Otherwise null."
                },
                "reason": {
                  "type": ["string", "null"],
                  "description": "For type give_up: what a human must do and why. Otherwise null or a short rationale."
                }
              },
              "required": ["type", "summary", "patch", "commands", "reason"],
              "additionalProperties": false
            }
            """;

    private static final Set<String> FIELDS = Set.of("type", "summary", "patch", "commands", "reason");

    // A Markdown code fence line: up to three spaces, three or more backticks or tildes, an info string.
    private static final Pattern FENCE_LINE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");

    // Duplicate keys would let a hostile answer say two things at once; trailing text after the
    // object means it is not the one JSON object the schema asks for.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public ModelAnswer {
        if (type == null) {
            throw new IllegalArgumentException("type is required");
        }
        commands = commands == null ? List.of() : List.copyOf(commands);
    }

    /**
     * Reads and checks the model's message content: one JSON object, bare, or as the only thing in
     * one fenced block (a line of three backticks, optionally marked {@code json}, the object, a
     * closing line). Models without structured outputs, and servers that ignore the response format
     * they were sent, wrap their answer that way; the bash loop took such answers. The object inside
     * is checked exactly as a bare one. Text around the block, a second block or a block marked as
     * another language is refused: the answer must be one object, never a choice between several.
     *
     * @throws InvalidAnswerException naming the field and rule that failed
     */
    public static ModelAnswer parse(String content) throws InvalidAnswerException {
        if (content == null || content.isBlank()) {
            throw new InvalidAnswerException("the answer is empty");
        }
        if (content.length() > MAX_CONTENT_CHARS) {
            throw new InvalidAnswerException("the answer is " + content.length() + " characters, more than the "
                    + MAX_CONTENT_CHARS + " allowed");
        }
        String json = unfence(content);
        String where = json == content ? "the answer" : "the answer's fenced block";
        if (json.isBlank()) {
            throw new InvalidAnswerException(where + " is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidAnswerException(where + " is not valid JSON (" + Untrusted.excerpt(e.getOriginalMessage())
                    + ") near: " + Untrusted.excerpt(json));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAnswerException("the answer is not a JSON object: " + Untrusted.excerpt(json));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidAnswerException("the answer has a field the schema does not allow: "
                        + Untrusted.excerpt(name));
            }
        }

        String typeText = text(root, "type", 40);
        if (typeText == null) {
            throw new InvalidAnswerException("field 'type' is missing");
        }
        Type type = Type.ofWire(typeText);
        if (type == null) {
            throw new InvalidAnswerException("field 'type' is '" + Untrusted.excerpt(typeText)
                    + "'; expected patch, diagnostics or give_up");
        }
        String summary = text(root, "summary", MAX_SUMMARY_CHARS);
        if (summary == null || summary.isBlank()) {
            throw new InvalidAnswerException("field 'summary' is missing or blank");
        }
        String patch = text(root, "patch", MAX_PATCH_CHARS);
        List<String> commands = commands(root);
        String reason = text(root, "reason", MAX_REASON_CHARS);

        switch (type) {
            case PATCH -> {
                if (patch == null || patch.isBlank()) {
                    throw new InvalidAnswerException("type is patch but field 'patch' is missing or empty");
                }
                return new ModelAnswer(type, summary.strip(), patch, List.of(), reason);
            }
            case DIAGNOSTICS -> {
                if (commands.isEmpty()) {
                    throw new InvalidAnswerException("type is diagnostics but field 'commands' is missing or empty");
                }
                return new ModelAnswer(type, summary.strip(), null, commands, reason);
            }
            default -> {
                if (reason == null || reason.isBlank()) {
                    throw new InvalidAnswerException("type is give_up but field 'reason' is missing or blank");
                }
                return new ModelAnswer(type, summary.strip(), null, List.of(), reason);
            }
        }
    }

    /**
     * The JSON inside the answer's one fenced block, or {@code content} itself (the same instance)
     * when no line of it is a fence. A JSON text never has a line that starts with a fence: strings
     * cannot hold a raw line break, so a patch quoting Markdown stays on its line.
     */
    static String unfence(String content) throws InvalidAnswerException {
        String[] lines = content.strip().split("\r?\n", -1);
        int fences = 0;
        for (String line : lines) {
            if (FENCE_LINE.matcher(line).matches()) fences++;
        }
        if (fences == 0) {
            return content;
        }
        Matcher open = FENCE_LINE.matcher(lines[0]);
        Matcher close = FENCE_LINE.matcher(lines[lines.length - 1]);
        if (!open.matches() || lines.length < 2 || !close.matches()) {
            throw new InvalidAnswerException("the answer has text outside its fenced block; expected one JSON object, bare or"
                    + " alone in one ```json block, near: " + Untrusted.excerpt(content));
        }
        if (fences > 2) {
            throw new InvalidAnswerException("the answer holds more than one fenced block (" + fences
                    + " fence lines); expected exactly one JSON object");
        }
        String info = open.group(2).strip();
        if (!info.isEmpty() && !info.equalsIgnoreCase("json")) {
            throw new InvalidAnswerException("the answer's fenced block is marked '" + Untrusted.excerpt(info, 40)
                    + "', not json; expected one JSON object");
        }
        String mark = open.group(1);
        String end = close.group(1);
        if (end.charAt(0) != mark.charAt(0) || end.length() < mark.length() || !close.group(2).isBlank()) {
            throw new InvalidAnswerException("the answer's fenced block is not closed by a matching " + mark + " line");
        }
        return String.join("\n", Arrays.asList(lines).subList(1, lines.length - 1));
    }

    /** A string field, or null when absent or JSON null; any other JSON type is a violation. */
    private static String text(JsonNode root, String field, int maxChars) throws InvalidAnswerException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidAnswerException("field '" + field + "' must be a string or null, not "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        String value = node.textValue();
        if (value.length() > maxChars) {
            throw new InvalidAnswerException("field '" + field + "' is " + value.length()
                    + " characters, more than the " + maxChars + " allowed");
        }
        return value;
    }

    private static List<String> commands(JsonNode root) throws InvalidAnswerException {
        JsonNode node = root.get("commands");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidAnswerException("field 'commands' must be an array of strings or null");
        }
        if (node.size() > MAX_COMMANDS) {
            throw new InvalidAnswerException("field 'commands' has " + node.size() + " commands, more than the "
                    + MAX_COMMANDS + " allowed");
        }
        List<String> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw new InvalidAnswerException("commands[" + i + "] must be a non-blank string");
            }
            if (item.textValue().length() > MAX_COMMAND_CHARS) {
                throw new InvalidAnswerException("commands[" + i + "] is longer than " + MAX_COMMAND_CHARS
                        + " characters");
            }
            out.add(item.textValue().strip());
        }
        return out;
    }
}
