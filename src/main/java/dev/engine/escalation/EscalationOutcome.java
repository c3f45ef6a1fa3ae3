package dev.engine.escalation;

/** What one escalation led to. */
public sealed interface EscalationOutcome {
    String summary();

    record PatchApplied(String summary, String commit, long tokens) implements EscalationOutcome {}

    record NeedsHuman(String summary, long tokens) implements EscalationOutcome {}

    record Failed(String summary, long tokens) implements EscalationOutcome {}
}
