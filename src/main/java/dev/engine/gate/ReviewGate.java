package dev.engine.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of the pending AI commits stages may run now: the longest run of them, oldest first,
 * that needs no human. A commit that must wait holds back every commit after it too (they were
 * made on top of it), so a stage never runs code a human has not seen.
 */
public final class ReviewGate {
    private ReviewGate() {}

    /** A commit that waits for {@code engine review approve}, and why. */
    public record Held(String commit, String stage, List<String> reasons, Optional<String> behind) {
        public Held {
            reasons = List.copyOf(reasons);
        }

        /** One line for status and the stage's reason. */
        public String describe() {
            String id = commit.length() > 10 ? commit.substring(0, 10) : commit;
            String how = behind.map(b -> "it is on top of " + (b.length() > 10 ? b.substring(0, 10) : b) + ", which waits for review")
                    .orElse(String.join("; ", reasons));
            return "AI commit " + id + " waits for review (" + how + "): `engine review show " + id
                    + "`, then `engine review approve " + id + "` or `engine review reject " + id + "`";
        }
    }

    /**
     * @param runnable the newest pending commit stages may run, empty when none (they run main)
     * @param held the commits that wait, oldest first
     */
    public record Gate(Optional<String> runnable, List<Held> held) {
        public Gate {
            held = List.copyOf(held);
        }

        public Optional<Held> held(String commit) {
            return held.stream().filter(h -> h.commit().equals(commit)).findFirst();
        }
    }

    /**
     * @param pending AI commits not in main, oldest first
     * @param executed what the stages execute (in main's tree and the commits')
     * @param contained whether code would run sandboxed (bubblewrap works, and no stage has sandbox: off)
     */
    public static Gate decide(List<PendingCommit> pending, ExecutedFiles executed, AutoRun autoRun, boolean contained) {
        Optional<String> runnable = Optional.empty();
        List<Held> held = new ArrayList<>();
        for (PendingCommit c : pending) {
            if (!held.isEmpty()) {
                held.add(new Held(c.id(), c.stage(), List.of(), Optional.of(held.get(0).commit())));
                continue;
            }
            List<String> reasons = new ArrayList<>();
            for (FileChange f : c.changes()) {
                reasons.addAll(CodeChanges.reasons(f, executed));
            }
            Optional<String> wait = waitReason(reasons, autoRun, contained);
            if (wait.isPresent()) {
                List<String> why = new ArrayList<>(reasons);
                if (reasons.isEmpty() || autoRun == AutoRun.ALL) {
                    why.add(0, wait.get());
                }
                held.add(new Held(c.id(), c.stage(), why, Optional.empty()));
            } else {
                runnable = Optional.of(c.id());
            }
        }
        return new Gate(runnable, held);
    }

    private static Optional<String> waitReason(List<String> codeReasons, AutoRun autoRun, boolean contained) {
        return switch (autoRun) {
            case NONE -> Optional.of("auto_run is none: every AI commit waits");
            case ALL -> codeReasons.isEmpty() || contained ? Optional.empty()
                    : Optional.of("auto_run is all, but there is no working sandbox to run AI-changed code in");
            case DECLARATIVE -> codeReasons.isEmpty() ? Optional.empty() : Optional.of("it changes code a stage runs");
        };
    }
}
