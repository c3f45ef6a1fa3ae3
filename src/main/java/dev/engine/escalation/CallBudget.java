package dev.engine.escalation;

import dev.engine.state.ErrorRecord;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model-call budget of one stage and fingerprint (I6). A call is counted in
 * {@code errors.json} before it is made, so an engine killed during the call has already paid for
 * it and a restart cannot spend past the limit.
 */
public final class CallBudget {
    private final StateStore state;
    private final String stage;
    private final String fingerprint;
    private final List<String> allStages;
    private final int perFingerprint;
    private final int perStage;
    private final Clock clock;

    public CallBudget(StateStore state, String stage, String fingerprint, List<String> allStages,
                      int perFingerprint, int perStage, Clock clock) {
        this.state = state;
        this.stage = stage;
        this.fingerprint = fingerprint;
        this.allStages = List.copyOf(allStages);
        this.perFingerprint = perFingerprint;
        this.perStage = perStage;
        this.clock = clock;
    }

    /** Reserves one call; empty when reserved, else why not (the budget that is spent). */
    public Optional<String> reserve() throws IOException {
        Map<String, ErrorRecord> errors = state.errorsOf(stage, allStages);
        int forFingerprint = errors.values().stream().filter(r -> fingerprint.equals(r.fingerprint()))
                .mapToInt(ErrorRecord::apiCalls).sum();
        int forStage = errors.values().stream().mapToInt(ErrorRecord::apiCalls).sum();
        Optional<String> spent = new Budget(perFingerprint, perStage).spent(fingerprint, forFingerprint, forStage);
        if (spent.isPresent()) {
            return spent;
        }
        String now = clock.instant().toString();
        state.updateError(stage, fingerprint, now, r -> r.withReservedCall(now));
        return Optional.empty();
    }

    /**
     * Returns the call reserved by the last {@link #reserve} when the model client proved that
     * nothing of it was sent (every try failed before writing its request: refused connection,
     * unknown host, failed TLS handshake). Only after that proof: a call that may have reached the
     * server stays counted, and an engine killed before it gets here keeps it counted too, so a
     * crash can only ever leave more counted, never less.
     */
    public void release() throws IOException {
        String now = clock.instant().toString();
        state.updateError(stage, fingerprint, now, r -> r.withReleasedCall(now));
    }

    /** Adds the tokens a finished call reported; the call itself was counted by {@link #reserve}. */
    public void recordTokens(long tokens) throws IOException {
        if (tokens > 0) {
            state.updateError(stage, fingerprint, clock.instant().toString(), r -> r.withTokens(tokens));
        }
    }

    /** Calls spent on this fingerprint, as on disk. */
    public int used() throws IOException {
        return state.error(stage, fingerprint).map(ErrorRecord::apiCalls).orElse(0);
    }
}
