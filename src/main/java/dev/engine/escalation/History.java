package dev.engine.escalation;

import dev.engine.audit.AuditEvent;
import dev.engine.audit.AuditLog;
import dev.engine.escalation.casefile.HistoryEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What was already tried on one failure, read back from the audit trail, so the model is told
 * what the executor and its own earlier answers did and how that ended.
 */
public final class History {
    private static final Set<String> EVENTS = Set.of("executor", "model_call", "patch_applied", "patch_refused",
            "diagnostics_run", "diagnostics_refused", "escalation");
    private static final int MAX_ENTRIES = 30;

    private History() {}

    public static List<HistoryEntry> of(AuditLog audit, String stage, String fingerprint) throws IOException {
        List<HistoryEntry> out = new ArrayList<>();
        for (AuditEvent e : audit.read(Optional.of(stage), 0).events()) {
            if (!EVENTS.contains(e.event()) || !fingerprint.equals(String.valueOf(e.details().get("fingerprint")))) {
                continue;
            }
            out.add(entry(e));
            if (out.size() > MAX_ENTRIES) {
                out.remove(0);
            }
        }
        return out;
    }

    private static HistoryEntry entry(AuditEvent e) {
        Map<String, Object> d = e.details();
        String source = String.valueOf(d.getOrDefault("source", e.event().equals("executor") ? "executor" : "api"));
        String action = switch (e.event()) {
            case "executor" -> "executor attempt";
            case "model_call" -> "model call (" + d.getOrDefault("response_type", d.getOrDefault("error", "?")) + ")";
            case "patch_applied" -> "patch committed " + d.getOrDefault("commit", "") + " " + d.getOrDefault("files", "");
            case "patch_refused" -> "patch refused";
            case "diagnostics_run" -> "diagnostic `" + d.get("command") + "`";
            case "diagnostics_refused" -> "diagnostic refused `" + d.get("command") + "`";
            default -> e.event();
        };
        String outcome = String.valueOf(d.getOrDefault("summary", d.getOrDefault("violations",
                d.getOrDefault("reason", d.getOrDefault("exit_code", d.getOrDefault("outcome", ""))))));
        return new HistoryEntry(e.time(), source, action, outcome);
    }
}
