package dev.engine.watch;

import dev.engine.config.StageSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which stage holds another back in a cycle. A stage with {@code depends_on} waits for those
 * stages only. One without waits for every stage before it in dependency order (DESIGN.md §4:
 * "default: file order"), as {@code run all} does: nothing after the first stage that is not
 * green runs unless it says what it really needs.
 */
final class Dependencies {
    private Dependencies() {}

    /**
     * @param order all stages in dependency order
     * @param index the stage in question
     * @param notGreen stages earlier in this cycle that ended, or were left, not green (held back ones included)
     * @return the stage it waits for, or empty when it may go ahead
     */
    static Optional<String> blockedBy(List<StageSpec> order, int index, Set<String> notGreen) {
        StageSpec stage = order.get(index);
        if (stage.dependsOn().isEmpty()) {
            return order.subList(0, index).stream().map(StageSpec::name).filter(notGreen::contains).findFirst();
        }
        return stage.dependsOn().stream().filter(notGreen::contains).findFirst();
    }
}
