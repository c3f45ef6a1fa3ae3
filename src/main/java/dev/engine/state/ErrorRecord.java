package dev.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * One entry of {@code state/errors.json}, keyed {@code <stage>_<fingerprint>}. The bash loop wrote
 * attempts, api_calls, last_source and last_transition; fields this version does not know are kept
 * as they were so an older or newer writer's data survives a round trip.
 */
public record ErrorRecord(
        String stage,
        String fingerprint,
        int attempts,
        int apiCalls,
        long tokens,
        String lastSource,
        String lastTransition,
        String firstSeen,
        String lastLog,
        ObjectNode unknown) {

    private static final Set<String> KNOWN = Set.of(
            "stage", "fingerprint", "attempts", "api_calls", "tokens", "last_source", "last_transition",
            "first_seen", "last_log");

    public static ErrorRecord fresh(String stage, String fingerprint, String now) {
        return new ErrorRecord(stage, fingerprint, 0, 0, 0, null, now, now, null, JsonNodeFactory.instance.objectNode());
    }

    public ErrorRecord withFailure(String now, String log) {
        return new ErrorRecord(stage, fingerprint, attempts + 1, apiCalls, tokens, lastSource, now, firstSeen, log, unknown);
    }

    /** {@code source} is the tier that handled the failure last: executor or api. */
    public ErrorRecord withSource(String source, String now) {
        return new ErrorRecord(stage, fingerprint, attempts, apiCalls, tokens, source, now, firstSeen, lastLog, unknown);
    }

    /**
     * Counts a model call before it is made (I6): a crash during the call leaves it counted, so a
     * restart can never spend more than the budget.
     */
    public ErrorRecord withReservedCall(String now) {
        return new ErrorRecord(stage, fingerprint, attempts, apiCalls + 1, tokens, "api", now, firstSeen, lastLog, unknown);
    }

    /**
     * Gives back one call reserved by {@link #withReservedCall} that provably never left the
     * machine. Never below zero: a reservation can only be returned once, and only its own.
     */
    public ErrorRecord withReleasedCall(String now) {
        return new ErrorRecord(stage, fingerprint, attempts, Math.max(0, apiCalls - 1), tokens, lastSource, now, firstSeen, lastLog,
                unknown);
    }

    public ErrorRecord withTokens(long moreTokens) {
        return new ErrorRecord(stage, fingerprint, attempts, apiCalls, tokens + moreTokens, lastSource, lastTransition, firstSeen, lastLog, unknown);
    }

    static ErrorRecord fromJson(String key, JsonNode n) {
        ObjectNode rest = JsonNodeFactory.instance.objectNode();
        n.fields().forEachRemaining(e -> {
            if (!KNOWN.contains(e.getKey())) {
                rest.set(e.getKey(), e.getValue());
            }
        });
        return new ErrorRecord(
                text(n, "stage"), text(n, "fingerprint"),
                n.path("attempts").asInt(0), n.path("api_calls").asInt(0), n.path("tokens").asLong(0),
                text(n, "last_source"), text(n, "last_transition"), text(n, "first_seen"), text(n, "last_log"),
                rest);
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        putIfPresent(n, "stage", stage);
        putIfPresent(n, "fingerprint", fingerprint);
        n.put("attempts", attempts);
        n.put("api_calls", apiCalls);
        n.put("tokens", tokens);
        putIfPresent(n, "last_source", lastSource);
        putIfPresent(n, "last_transition", lastTransition);
        putIfPresent(n, "first_seen", firstSeen);
        putIfPresent(n, "last_log", lastLog);
        n.setAll(unknown);
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
