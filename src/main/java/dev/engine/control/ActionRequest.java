package dev.engine.control;

import java.util.List;
import java.util.Locale;

/**
 * One human action on a home.
 *
 * @param stages for {@link Kind#RESET}: the stage names, already checked against the context map
 * @param commit for approve and reject: the commit (sha or prefix); null with {@code all}
 * @param all approve every pending AI commit
 * @param reason why, recorded in the audit trail (approve and reject); may be null
 * @param via who asked: {@code cli} or {@code console}, recorded in the audit trail
 */
public record ActionRequest(Kind kind, List<String> stages, String commit, boolean all, String reason, String via) {
    public static final String VIA_CLI = "cli";
    public static final String VIA_CONSOLE = "console";
    /** Bounds what a request may carry, so a peer cannot make watch hold a large one. */
    static final int MAX_TEXT = 2000;
    static final int MAX_STAGES = 200;

    public enum Kind {
        RESET, APPROVE, REJECT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ActionRequest {
        if (kind == null) {
            throw new IllegalArgumentException("an action needs a kind (reset, approve or reject)");
        }
        stages = stages == null ? List.of() : List.copyOf(stages);
        if (!VIA_CLI.equals(via) && !VIA_CONSOLE.equals(via)) {
            throw new IllegalArgumentException("via must be cli or console, got '" + via + "'");
        }
        if (stages.size() > MAX_STAGES || stages.stream().anyMatch(s -> s == null || s.isBlank() || s.length() > 200)) {
            throw new IllegalArgumentException("stage names must be non-empty, at most 200 characters, at most " + MAX_STAGES);
        }
        if (commit != null && (commit.length() > 200 || commit.isBlank())) {
            throw new IllegalArgumentException("a commit name must be 1-200 characters");
        }
        if (reason != null && reason.length() > MAX_TEXT) {
            throw new IllegalArgumentException("a reason must be at most " + MAX_TEXT + " characters");
        }
        switch (kind) {
            case RESET -> {
                if (stages.isEmpty()) {
                    throw new IllegalArgumentException("reset needs at least one stage");
                }
            }
            case APPROVE -> {
                if ((commit == null) != all) {
                    throw new IllegalArgumentException("approve needs a commit, or all, not both");
                }
            }
            case REJECT -> {
                if (commit == null || all) {
                    throw new IllegalArgumentException("reject needs one commit");
                }
            }
        }
    }

    public static ActionRequest reset(List<String> stages, String via) {
        return new ActionRequest(Kind.RESET, stages, null, false, null, via);
    }

    public static ActionRequest approve(String commit, boolean all, String reason, String via) {
        return new ActionRequest(Kind.APPROVE, List.of(), all ? null : commit, all, reason, via);
    }

    public static ActionRequest reject(String commit, String reason, String via) {
        return new ActionRequest(Kind.REJECT, List.of(), commit, false, reason, via);
    }

    /** As a person would type it: {@code reset talos}, {@code review approve 1a2b3c}. */
    public String describe() {
        return switch (kind) {
            case RESET -> "reset " + String.join(" ", stages);
            case APPROVE -> "review approve " + (all ? "--all" : commit);
            case REJECT -> "review reject " + commit;
        };
    }
}
