/**
 * Diagnostics the model may ask for (DESIGN.md §6 I7, §8). {@link dev.engine.escalation.diagnostics.DiagnosticsPolicy}
 * decides: a stage's configured {@code diagnostics} entry, or a read-only command without shell
 * syntax; everything else is refused with the {@link dev.engine.escalation.diagnostics.Rule} that
 * refused it and a reason, for the v2 case file and the audit trail. The lists are positive
 * everywhere: per tool the verbs and flags (ReadOnlyRules, KubeRules, TalosRules, NetworkRules,
 * ProxmoxRules), flags that point a tool at other configuration or files in every spelling
 * (ConfigFlags), talosctl resource types after alias resolution (TalosResources), and the hosts a
 * request may name ({@link dev.engine.escalation.diagnostics.KnownNames}). A stage's own entries keep
 * the same rules ({@link dev.engine.escalation.diagnostics.DiagnosticsPolicy#checkConfigured}).
 * {@link dev.engine.escalation.diagnostics.DiagnosticsRunner} runs what was allowed without a
 * shell, with a timeout, an output cap and redaction, and logs it under {@code logs/diagnostics}.
 */
package dev.engine.escalation.diagnostics;
