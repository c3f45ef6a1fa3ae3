package dev.engine.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code state/audit.jsonl}.
 *
 * @param stage null for events that concern no single stage (e.g. a run of several)
 * @param details event-specific facts: fingerprint, exit code, decision, reason, commit, tokens...
 */
public record AuditEvent(String time, String stage, String event, Map<String, Object> details) {
    public AuditEvent {
        // insertion order is kept (the trail reads better that way); null values are allowed
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
