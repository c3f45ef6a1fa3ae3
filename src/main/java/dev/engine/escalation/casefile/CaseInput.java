package dev.engine.escalation.casefile;

import dev.engine.config.StageSpec;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a case file is built from. Null text becomes "", null lists become empty.
 *
 * @param attemptsOnFingerprint failed runs seen with this fingerprint so far
 * @param apiCallsUsed          model calls already spent on this fingerprint (before this one)
 * @param logTail               the raw last lines of the failing run's log; redacted by the builder
 * @param logPath               the log's path relative to the home, shown to the reader
 * @param memo                  the whole master_memo.md, or "" when there is none
 * @param sectionKeywords       {@code architecture_section_keywords} of the context map
 * @param filesRoot             the checkout the stage's {@code files} are read from
 * @param diagnostics           outputs of requested diagnostics (version 2 only)
 * @param refused               diagnostics requests the allowlist refused (version 2 only)
 * @param version               1 for the first case file of an escalation, 2 for the one after diagnostics
 */
public record CaseInput(
        StageSpec stage, String fingerprint, int attemptsOnFingerprint, int apiCallsUsed, int apiCallBudget,
        String logTail,
        String logPath,
        List<HistoryEntry> history,
        String memo,
        Map<String, List<String>> sectionKeywords,
        Path filesRoot,
        List<DiagnosticOutput> diagnostics,
        List<RefusedRequest> refused,
        int version) {

    public CaseInput {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(filesRoot, "filesRoot");
        fingerprint = Objects.requireNonNullElse(fingerprint, "");
        logTail = Objects.requireNonNullElse(logTail, "");
        logPath = Objects.requireNonNullElse(logPath, "");
        memo = Objects.requireNonNullElse(memo, "");
        history = history == null ? List.of() : List.copyOf(history);
        diagnostics = diagnostics == null ? List.of() : List.copyOf(diagnostics);
        refused = refused == null ? List.of() : List.copyOf(refused);
        Map<String, List<String>> keywords = new LinkedHashMap<>();
        if (sectionKeywords != null) {
            sectionKeywords.forEach((k, v) -> keywords.put(k, v == null ? List.of() : List.copyOf(v)));
        }
        sectionKeywords = Collections.unmodifiableMap(keywords);
        if (version < 1) throw new IllegalArgumentException("case file version must be 1 or more, was " + version);
    }
}
