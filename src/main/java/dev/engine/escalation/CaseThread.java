package dev.engine.escalation;

import dev.engine.escalation.casefile.DiagnosticOutput;
import dev.engine.escalation.casefile.RefusedRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * One escalation across its model calls: the prefix its files share in escalations/
 * ({@code <stage>_<ts>}), the case version the next call sends, and what the diagnostics the
 * model asked for gave so far (they go into the next version). Each call is one step; the
 * reconciler decides after each whether there is a next one.
 */
public record CaseThread(String prefix, int version, List<DiagnosticOutput> diagnostics, List<RefusedRequest> refused) {
    public CaseThread {
        diagnostics = List.copyOf(diagnostics);
        refused = List.copyOf(refused);
    }

    public static CaseThread first(String prefix) {
        return new CaseThread(prefix, 1, List.of(), List.of());
    }

    /** The next version, carrying what this step's diagnostics gave. */
    public CaseThread next(List<DiagnosticOutput> ran, List<RefusedRequest> refusedNow) {
        List<DiagnosticOutput> d = new ArrayList<>(diagnostics);
        d.addAll(ran);
        List<RefusedRequest> r = new ArrayList<>(refused);
        r.addAll(refusedNow);
        return new CaseThread(prefix, version + 1, d, r);
    }
}
