package dev.engine.state;

import java.util.Locale;
import java.util.Optional;

/** The statuses of {@code state/stage_status.json}, spelled as the bash loop spelled them. */
public enum StageStatus {
    IDLE, RUNNING, GREEN, FAILED, GIVE_UP;

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
