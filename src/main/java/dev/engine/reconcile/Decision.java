package dev.engine.reconcile;

/** What the engine does next for a stage; the value returned by {@link Reconciler#decide}. */
public sealed interface Decision {
    /** Run (or re-run) the stage command. */
    record RunStage() implements Decision {}

    /** The stage passed: mark it green. */
    record Green() implements Decision {}

    /** The failure is new enough for the local executor to try a small fix, then re-run. */
    record RunExecutor(String fingerprint, int attempts) implements Decision {}

    /** The executor had its chances: send a case file to the model, then re-run. */
    record Escalate(String fingerprint, int apiCallsUsed) implements Decision {}

    /** Nothing more the engine may try: the stage waits for a human and a reset. */
    record GiveUp(String reason) implements Decision {}

    /** Stop this run with the stage failed; a later run may try again (attempt cap, engine stopping). */
    record Stop(String reason) implements Decision {}

    /** The stage may not run at all until a human acts (it is give_up, or awaits review). */
    record Refuse(String reason) implements Decision {}

    /**
     * An AI commit changes code the stage runs: it waits for {@code engine review approve} before
     * anything runs it (DESIGN.md §8 review gate).
     */
    record AwaitReview(String commit, String reason) implements Decision {}
}
