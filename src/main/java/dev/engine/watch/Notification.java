package dev.engine.watch;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a webhook receives, as JSON: {@code {"event", "stage", "reason", "time", "host"}}.
 *
 * @param event {@code give_up}, {@code drift}, {@code review_pending} (new AI commits) or
 *              {@code awaiting_review} (a stage holds until a human reviews the code a commit changes)
 * @param stage null when the event concerns no single stage
 * @param host the machine watch runs on, so one receiver can tell several homelabs apart
 */
public record Notification(String event, String stage, String reason, String time, String host) {
    public static final String GIVE_UP = "give_up";
    public static final String DRIFT = "drift";
    public static final String REVIEW_PENDING = "review_pending";
    public static final String AWAITING_REVIEW = "awaiting_review";

    /**
     * This machine's name, without a DNS lookup where possible: a resolver that hangs must not
     * delay start-up, so the kernel's name comes first.
     */
    public static String localHost(Map<String, String> env) {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
