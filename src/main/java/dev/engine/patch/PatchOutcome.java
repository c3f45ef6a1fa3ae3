package dev.engine.patch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@link PatchSet#checkAndApply} decided. Nothing has been written in either case. */
public sealed interface PatchOutcome {

    /** Every file's new content, in diff order; an empty Optional means the file is deleted. */
    record Ready(Map<String, Optional<String>> changes) implements PatchOutcome {
        public Ready {
            changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
        }
    }

    /** Why the patch was refused: policy violations, a parse error, or hunks that did not apply. */
    record Refused(List<Violation> violations) implements PatchOutcome {
        public Refused {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) throw new IllegalArgumentException("a refusal needs a reason");
        }

        /** One line per violation, for the model's next attempt and for the log. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (Violation v : violations) sb.append(v).append('\n');
            return sb.toString();
        }
    }
}
