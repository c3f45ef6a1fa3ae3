package dev.engine.reconcile;

/**
 * What the engine does next for a stage; the value returned by {@link Reconciler#decide}.
 * {@link #wire()} is the name the audit trail records ({@code decision} events): part of a file
 * format users parse, so it is spelled here and never derived from a class name.
 */
public sealed interface Decision {
    String wire();

    /** Run (or re-run) the stage command. */
    record RunStage() implements Decision {
        @Override
        public String wire() {
            return "RunStage";
        }
    }

    /** The stage passed: mark it green. */
    record Green() implements Decision {
        @Override
        public String wire() {
            return "Green";
        }
    }

    /** The failure is new enough for the local executor to try a small fix, then re-run. */
    record RunExecutor(String fingerprint, int attempts) implements Decision {
        @Override
        public String wire() {
            return "RunExecutor";
        }
    }

    /** The executor had its chances: send a case file to the model, then re-run. */
    record Escalate(String fingerprint, int apiCallsUsed) implements Decision {
        @Override
        public String wire() {
            return "Escalate";
        }
    }

    /** Nothing more the engine may try: the stage waits for a human and a reset. */
    record GiveUp(String reason) implements Decision {
        @Override
        public String wire() {
            return "GiveUp";
        }
    }

    /** Stop this run with the stage failed; a later run may try again (attempt cap, engine stopping). */
    record Stop(String reason) implements Decision {
        @Override
        public String wire() {
            return "Stop";
        }
    }

    /** The stage may not run at all until a human acts (it is give_up, or awaits review). */
    record Refuse(String reason) implements Decision {
        @Override
        public String wire() {
            return "Refuse";
        }
    }

    /**
     * An AI commit changes code the stage runs: it waits for {@code engine review approve} before
     * anything runs it (DESIGN.md §8 review gate).
     */
    record AwaitReview(String commit, String reason) implements Decision {
        @Override
        public String wire() {
            return "AwaitReview";
        }
    }
}
