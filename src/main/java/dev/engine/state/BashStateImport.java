package dev.engine.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The state half of {@code engine adopt}: what the bash loop left in {@code errors.json},
 * {@code stage_status.json} and {@code logs/}, made whole for the engine without dropping anything.
 * The engine reads those files as they are already; adopting adds what the bash loop never wrote:
 * <ul>
 *   <li>each {@code errors.json} entry gets the {@code stage} and {@code fingerprint} fields its key
 *       only implied ({@code talos_<md5>}), so no reader has to guess its owner from the key;</li>
 *   <li>a stage the bash loop ran but the engine never did gets a {@code stage_info.json} entry: the
 *       failure it touched last, when, its newest log, and why it is failed or give_up, which is
 *       what {@code status} shows.</li>
 * </ul>
 * Counts ({@code attempts}, {@code api_calls}) and every other field stay as they are. Entries whose
 * key names no stage of the context map are left untouched and listed.
 */
public final class BashStateImport {
    private BashStateImport() {}

    /** An errors.json entry that gets the stage and fingerprint fields its key implies. */
    public record Identity(String key, String stage, String fingerprint) {}

    /**
     * What a bash-loop stage's {@code stage_info.json} entry will say.
     *
     * @param fingerprint the failure it touched last (null when errors.json holds none)
     * @param attemptLogs attempt logs found in {@code logs/<stage>/}
     */
    public record StageFill(String stage, StageStatus status, String fingerprint, int attempts, int apiCalls, String lastRun,
                            String lastLog, int attemptLogs, String reason) {}

    /** @param unowned keys of errors.json entries that belong to no stage of the map (kept as they are) */
    public record Plan(List<Identity> identities, List<StageFill> stages, List<String> unowned) {
        public Plan {
            identities = List.copyOf(identities);
            stages = List.copyOf(stages);
            unowned = List.copyOf(unowned);
        }

        public boolean nothingToDo() {
            return identities.isEmpty() && stages.isEmpty();
        }
    }

    /**
     * @param stages the context map's stages
     * @param home the home, whose {@code logs/<stage>/} holds the bash loop's attempt logs
     * @param budget API calls per failure, to say whether a give_up was the budget's doing
     */
    public static Plan plan(StateStore state, List<String> stages, Path home, int budget) throws IOException {
        Map<String, ErrorRecord> errors = state.errors();
        List<Identity> identities = new ArrayList<>();
        List<String> unowned = new ArrayList<>();
        for (Map.Entry<String, ErrorRecord> e : errors.entrySet()) {
            ErrorRecord r = e.getValue();
            Optional<String> owner = owner(e.getKey(), stages);
            if (owner.isEmpty()) {
                if (r.stage() == null) unowned.add(e.getKey());
                continue;
            }
            if (r.stage() == null || r.fingerprint() == null) {
                identities.add(new Identity(e.getKey(), owner.get(), e.getKey().substring(owner.get().length() + 1)));
            }
        }
        Map<String, StageStatus> statuses = state.fileStatuses();
        Map<String, StageInfo> infos = state.infos();
        Map<String, Map<String, ErrorRecord>> byStage = state.errorsByStage(stages);
        List<StageFill> fills = new ArrayList<>();
        for (String stage : stages) {
            if (infos.containsKey(stage)) continue; // the engine has run it: its own record wins
            StageStatus status = statuses.getOrDefault(stage, StageStatus.IDLE);
            Map<String, ErrorRecord> own = byStage.getOrDefault(stage, Map.of());
            List<Path> logs = attemptLogs(home.resolve("logs").resolve(stage), stage);
            if (own.isEmpty() && logs.isEmpty() && (status == StageStatus.IDLE || status == StageStatus.GREEN)) continue;
            Optional<Map.Entry<String, ErrorRecord>> last = own.entrySet().stream()
                    .reduce((a, b) -> String.valueOf(b.getValue().lastTransition()).compareTo(String.valueOf(a.getValue().lastTransition())) >= 0
                            ? b : a);
            String fp = last.map(e -> e.getValue().fingerprint() != null ? e.getValue().fingerprint()
                    : e.getKey().substring(stage.length() + 1)).orElse(null);
            int attempts = last.map(e -> e.getValue().attempts()).orElse(0);
            int calls = last.map(e -> e.getValue().apiCalls()).orElse(0);
            String lastLog = logs.isEmpty() ? null : home.relativize(logs.get(logs.size() - 1)).toString().replace('\\', '/');
            String lastRun = last.map(e -> e.getValue().lastTransition()).filter(t -> !t.isBlank())
                    .orElse(logs.isEmpty() ? null : Files.getLastModifiedTime(logs.get(logs.size() - 1)).toInstant().toString());
            fills.add(new StageFill(stage, status, fp, attempts, calls, lastRun, lastLog, logs.size(),
                    reason(stage, status, fp, attempts, calls, budget)));
        }
        return new Plan(identities, fills, unowned);
    }

    /** Writes the plan: entry fields through the store's atomic writes, then one stage_info entry per stage. */
    public static void apply(StateStore state, Plan plan, String now) throws IOException {
        for (Identity id : plan.identities()) {
            // updateError fills stage and fingerprint from the key and keeps every count and unknown field.
            state.updateError(id.stage(), id.fingerprint(), now, r -> r);
        }
        for (StageFill f : plan.stages()) {
            state.updateInfo(f.stage(), i -> new StageInfo(f.fingerprint(), f.lastRun(), null, null, f.lastLog(),
                    Math.max(i.attemptCounter(), f.attemptLogs()), f.reason(), i.tokens(), i.apiCalls(), null, null, null));
        }
    }

    private static String reason(String stage, StageStatus status, String fp, int attempts, int calls, int budget) {
        String failure = fp == null ? "" : "failure " + fp + ", " + attempts + " attempt(s), " + calls + " API call(s)";
        return switch (status) {
            case GIVE_UP -> (fp != null && calls >= budget
                    ? "given up by the bash loop: API call budget spent for failure " + fp + " (" + calls + "/" + budget + " calls)"
                    : "given up by the bash loop" + (failure.isEmpty() ? "" : " (" + failure + ")"))
                    + "; `engine reset " + stage + "` once a human has looked";
            case FAILED -> "failed under the bash loop" + (failure.isEmpty() ? "" : " (" + failure + ")");
            case RUNNING -> "marked running by the bash loop; the next run treats the attempt as interrupted";
            default -> null;
        };
    }

    /** As {@link StateStore}'s owner rule: the longest stage name that prefixes the key with '_'. */
    private static Optional<String> owner(String key, List<String> stages) {
        return stages.stream().filter(s -> key.startsWith(s + "_") && key.length() > s.length() + 1)
                .max(Comparator.comparingInt(String::length));
    }

    /** {@code <stage>_*_attempt<N>.log} files, oldest first by name (the name starts with the time). */
    private static List<Path> attemptLogs(Path dir, String stage) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith(stage + "_") && n.matches(".*_attempt\\d+\\.log");
                    })
                    .sorted().toList();
        }
    }
}
