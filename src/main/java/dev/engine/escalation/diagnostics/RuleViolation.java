package dev.engine.escalation.diagnostics;

import java.util.Objects;

/**
 * Unwinds a rule check with the rule that refused and a message an operator can act on. Never
 * escapes the package: {@link DiagnosticsPolicy} turns it into a {@link Verdict.Refused}.
 */
final class RuleViolation extends RuntimeException {
    private final Rule rule;

    RuleViolation(Rule rule, String message) {
        super(message, null, false, false);
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    Rule rule() {
        return rule;
    }
}
