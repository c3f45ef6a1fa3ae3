/**
 * Diagnostics the model may ask for (DESIGN.md §6 I7). {@link dev.engine.escalation.diagnostics.DiagnosticsPolicy}
 * decides: a stage's configured {@code diagnostics} entry, or a read-only command without shell
 * syntax; everything else is refused with a reason for the v2 case file and the audit trail.
 * {@link dev.engine.escalation.diagnostics.DiagnosticsRunner} runs what was allowed without a
 * shell, with a timeout, an output cap and redaction, and logs it under {@code logs/diagnostics}.
 */
package dev.engine.escalation.diagnostics;
