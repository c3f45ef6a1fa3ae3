package dev.engine.escalation;

import java.io.IOException;
import java.util.Optional;

/** The tier that sends a case file to the model under a budget (DESIGN.md §1 step 3). */
public interface Escalator {
    /** Why escalation cannot happen right now; empty when it can. */
    Optional<String> unavailable();

    EscalationOutcome escalate(EscalationRequest request) throws IOException;
}
