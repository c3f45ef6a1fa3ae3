package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.git.PendingCommits;
import dev.engine.state.EngineLock;
import dev.engine.state.ErrorRecord;
import dev.engine.state.StageInfo;
import dev.engine.state.StageStatus;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The document behind {@code status} and {@code status --json}; built from state without taking the lock. */
record StatusReport(String home, String workspace, List<Row> stages, String aiBranch, Integer pendingAiCommits,
                    StateStore.AiBranchSync aiBranchSync, boolean lockHeld, String lockHolder) {

    record Row(String name, String status, String reason, int attempts, int attemptCounter, String lastFingerprint,
               int apiCalls, int apiCallBudget, int stageApiCalls, int stageApiCallCap, long tokens, String lastRun,
               Long lastDurationMs, Integer lastExit, String lastLog, boolean inContextMap) {}

    static StatusReport build(Session s) throws IOException {
        boolean held = EngineLock.isHeld(s.layout().stateDir());
        return build(s, held, held ? EngineLock.readHolder(s.layout().stateDir().resolve(EngineLock.FILE)) : null);
    }

    /**
     * For a command that holds the lock itself (watch serving /api/status): it must not probe or
     * read the lock file, because closing any descriptor of that file releases the process's own
     * POSIX lock on it. So the holder says who holds the lock.
     */
    static StatusReport build(Session s, boolean held, String holder) throws IOException {
        Map<String, StageStatus> statuses = s.state().statuses();
        Map<String, StageInfo> infos = s.state().infos();
        List<String> names = s.knownStages();
        Map<String, Map<String, ErrorRecord>> errorsByStage = s.state().errorsByStage(names);
        List<Row> rows = new ArrayList<>();
        for (String name : names) {
            StageInfo info = infos.getOrDefault(name, StageInfo.empty());
            Map<String, ErrorRecord> errors = errorsByStage.getOrDefault(name, Map.of());
            // A stage the bash loop ran has no stage_info.json: its current failure is the entry it
            // touched last, so the row shows the attempts and calls the state really holds.
            Optional<Map.Entry<String, ErrorRecord>> latest = info.lastFingerprint() != null ? Optional.empty()
                    : errors.entrySet().stream().max(Comparator.comparing(e -> String.valueOf(e.getValue().lastTransition())));
            Optional<ErrorRecord> current = Optional.ofNullable(info.lastFingerprint())
                    .flatMap(fp -> errors.values().stream().filter(e -> fp.equals(e.fingerprint())).findFirst())
                    .or(() -> latest.map(Map.Entry::getValue));
            String fingerprint = info.lastFingerprint() != null ? info.lastFingerprint()
                    : latest.map(e -> e.getValue().fingerprint() != null ? e.getValue().fingerprint()
                            : e.getKey().substring(Math.min(e.getKey().length(), name.length() + 1))).orElse(null);
            int stageCalls = errors.values().stream().mapToInt(ErrorRecord::apiCalls).sum();
            long tokens = errors.values().stream().mapToLong(ErrorRecord::tokens).sum() + info.tokens();
            rows.add(new Row(name, statuses.getOrDefault(name, StageStatus.IDLE).wire(), info.reason(),
                    current.map(ErrorRecord::attempts).orElse(0), info.attemptCounter(), fingerprint,
                    current.map(ErrorRecord::apiCalls).orElse(0), s.settings().apiCallBudget(), stageCalls,
                    s.settings().stageApiCallCap(), tokens, info.lastRun(), info.lastDurationMs(), info.lastExit(),
                    info.lastLog(), s.map().stage(name).isPresent()));
        }
        return new StatusReport(s.layout().home().toString(), s.layout().workspace().toString(), rows,
                s.settings().aiBranch(), PendingCommits.count(s.layout().workspace(), s.settings().aiBranch()).orElse(null),
                s.state().aiBranchSync().orElse(null), held, held ? holder : null);
    }
}
