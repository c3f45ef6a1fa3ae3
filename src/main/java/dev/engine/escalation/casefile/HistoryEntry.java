package dev.engine.escalation.casefile;

import java.util.Objects;

/**
 * One earlier attempt on the fingerprint, as the case file tells it to the model.
 *
 * @param when   time of the attempt, as the state or audit trail wrote it
 * @param source {@code executor}, {@code api} or {@code manual}
 * @param action what was tried (e.g. the summary of a patch, or "asked for diagnostics")
 * @param outcome what happened next (e.g. "stage still failed with the same fingerprint")
 */
public record HistoryEntry(String when, String source, String action, String outcome) {
    public HistoryEntry {
        when = Objects.requireNonNullElse(when, "");
        source = Objects.requireNonNullElse(source, "");
        action = Objects.requireNonNullElse(action, "");
        outcome = Objects.requireNonNullElse(outcome, "");
    }
}
