package dev.engine.state;

import java.util.Locale;
import java.util.Optional;

/**
 * The statuses of a stage, spelled as the bash loop spelled them. {@link #AWAITING_REVIEW} is the
 * engine's own (DESIGN.md §5, §8): the bash loop's {@code stage_status.json} never holds it, a
 * stage awaiting review is {@code failed} there and its commit is kept in {@code stage_info.json}.
 */
public enum StageStatus {
    IDLE, RUNNING, GREEN, FAILED, GIVE_UP, AWAITING_REVIEW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StageStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (StageStatus s : values()) {
            if (s.wire().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
