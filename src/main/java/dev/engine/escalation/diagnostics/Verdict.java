package dev.engine.escalation.diagnostics;

import java.util.List;
import java.util.Objects;

/**
 * What {@link DiagnosticsPolicy} decided about one command the model asked for (DESIGN.md §6 I7).
 * Only the policy should make an {@link Allowed}: the runner runs its pipeline as given.
 */
public sealed interface Verdict {
    String requested();

    /**
     * @param requested the command as the model wrote it
     * @param pipeline  argv per pipeline segment, variables already substituted; run without a shell
     * @param rule      why it may run: the stage diagnostic it matched, or the read-only rule
     */
    record Allowed(String requested, List<List<String>> pipeline, String rule) implements Verdict {
        public Allowed {
            Objects.requireNonNull(requested, "requested");
            Objects.requireNonNull(rule, "rule");
            pipeline = pipeline.stream().map(List::copyOf).toList();
            if (pipeline.isEmpty() || pipeline.stream().anyMatch(List::isEmpty)) {
                throw new IllegalArgumentException("a pipeline needs at least one segment and every segment a command");
            }
        }
    }

    /**
     * @param rule   the rule that refused, for the audit trail ({@link Rule#id()})
     * @param reason precise and operator-readable; goes into the v2 case file and the audit trail
     */
    record Refused(String requested, Rule rule, String reason) implements Verdict {
        public Refused {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
