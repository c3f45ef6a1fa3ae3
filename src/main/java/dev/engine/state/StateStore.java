package dev.engine.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The three state files of a home (DESIGN.md §5). Every write is a whole-file atomic replace, so a
 * crash leaves each file either as it was or as intended. Callers that mutate hold the engine lock;
 * readers need none because they can only ever see complete files.
 */
public final class StateStore {
    public static final String STATUS_FILE = "stage_status.json";
    public static final String ERRORS_FILE = "errors.json";
    public static final String INFO_FILE = "stage_info.json";
    public static final String AI_BRANCH_FILE = "ai_branch.json";

    private final Path dir;
    private final ObjectMapper json = Json.mapper();
    private final UnaryOperator<String> redact;

    /** Stores reasons as given: for tests and tools that write only texts of their own. */
    public StateStore(Path stateDir) {
        this(stateDir, UnaryOperator.identity());
    }

    /**
     * @param redactReasons applied to a stage's reason when it changes, before it is stored: the
     *     reason quotes failed success checks and the model's words, and {@code status},
     *     {@code /api/status} and the console show it as stored (invariant I8)
     */
    public StateStore(Path stateDir, UnaryOperator<String> redactReasons) {
        this.dir = stateDir;
        this.redact = redactReasons;
    }

    public Path dir() {
        return dir;
    }

    // ---- stage_status.json -------------------------------------------------------------------

    /**
     * Each stage's status as the engine sees it: {@code stage_status.json}, with a stage whose
     * stage info holds a commit under review shown as {@link StageStatus#AWAITING_REVIEW}.
     */
    public Map<String, StageStatus> statuses() throws IOException {
        Map<String, StageStatus> out = fileStatuses();
        if (out.containsValue(StageStatus.FAILED)) {
            Map<String, StageInfo> infos = infos();
            out.replaceAll((stage, status) -> status == StageStatus.FAILED && infos.containsKey(stage)
                    && infos.get(stage).heldCommit() != null ? StageStatus.AWAITING_REVIEW : status);
        }
        return out;
    }

    /** {@code stage_status.json} as the bash loop wrote it. */
    public Map<String, StageStatus> fileStatuses() throws IOException {
        Path file = dir.resolve(STATUS_FILE);
        JsonNode root = readObject(file);
        Map<String, StageStatus> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().asText();
            StageStatus status = StageStatus.parse(value).orElseThrow(() -> new StateFileException(file,
                    "stage '" + e.getKey() + "' has unknown status '" + value + "' (expected idle, running, green, failed or give_up)", null));
            if (status == StageStatus.AWAITING_REVIEW) {
                status = StageStatus.FAILED; // never written here by the engine; read as the bash loop would
            }
            out.put(e.getKey(), status);
        }
        return out;
    }

    public StageStatus status(String stage) throws IOException {
        return statuses().getOrDefault(stage, StageStatus.IDLE);
    }

    /**
     * Sets a stage's status. Any status but {@link StageStatus#AWAITING_REVIEW} ends a wait for
     * review; that one is set with {@link #awaitReview}, since it needs the commit.
     */
    public void setStatus(String stage, StageStatus status) throws IOException {
        if (status == StageStatus.AWAITING_REVIEW) {
            throw new IllegalArgumentException("use awaitReview(stage, commit, reason)");
        }
        if (infos().getOrDefault(stage, StageInfo.empty()).heldCommit() != null) {
            updateInfo(stage, i -> i.withHeldCommit(null));
        }
        writeFileStatus(stage, status);
    }

    /** The stage waits for a human to review {@code commit}; the v2 status file says failed. */
    public void awaitReview(String stage, String commit, String reason) throws IOException {
        updateInfo(stage, i -> i.withHeldCommit(commit).withReason(reason));
        writeFileStatus(stage, StageStatus.FAILED);
    }

    private void writeFileStatus(String stage, StageStatus status) throws IOException {
        Path file = dir.resolve(STATUS_FILE);
        ObjectNode root = readObject(file);
        root.put(stage, status.wire());
        write(file, root, AtomicFiles.Sync.CONTENT);
    }

    // ---- errors.json -------------------------------------------------------------------------

    public static String errorKey(String stage, String fingerprint) {
        return stage + "_" + fingerprint;
    }

    public Map<String, ErrorRecord> errors() throws IOException {
        ObjectNode root = readObject(dir.resolve(ERRORS_FILE));
        Map<String, ErrorRecord> out = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> out.put(e.getKey(), ErrorRecord.fromJson(e.getKey(), e.getValue())));
        return out;
    }

    public Optional<ErrorRecord> error(String stage, String fingerprint) throws IOException {
        return Optional.ofNullable(errors().get(errorKey(stage, fingerprint)));
    }

    /** Applies {@code change} to the entry (created fresh when absent) and stores the result. */
    public ErrorRecord updateError(String stage, String fingerprint, String now, UnaryOperator<ErrorRecord> change) throws IOException {
        Path file = dir.resolve(ERRORS_FILE);
        ObjectNode root = readObject(file);
        String key = errorKey(stage, fingerprint);
        JsonNode existing = root.get(key);
        ErrorRecord before = existing == null
                ? ErrorRecord.fresh(stage, fingerprint, now)
                : withIdentity(ErrorRecord.fromJson(key, existing), stage, fingerprint);
        ErrorRecord after = change.apply(before);
        root.set(key, after.toJson());
        write(file, root, AtomicFiles.Sync.CONTENT_AND_RENAME);
        return after;
    }

    /** The bash loop did not store stage and fingerprint inside the entry; fill them from the key we looked up. */
    private static ErrorRecord withIdentity(ErrorRecord r, String stage, String fingerprint) {
        return new ErrorRecord(stage, fingerprint, r.attempts(), r.apiCalls(), r.tokens(), r.lastSource(),
                r.lastTransition(), r.firstSeen(), r.lastLog(), r.unknown());
    }

    /** Entries belonging to {@code stage}. Keys are {@code <stage>_<fp>}; a longer stage name that shares the prefix is not ours. */
    public Map<String, ErrorRecord> errorsOf(String stage, Collection<String> allStages) throws IOException {
        return errorsByStage(allStages).getOrDefault(stage, Map.of());
    }

    /** Every entry grouped by the stage it belongs to, from one read of the file. */
    public Map<String, Map<String, ErrorRecord>> errorsByStage(Collection<String> allStages) throws IOException {
        Map<String, Map<String, ErrorRecord>> out = new LinkedHashMap<>();
        for (Map.Entry<String, ErrorRecord> e : errors().entrySet()) {
            owner(e.getKey(), e.getValue(), allStages)
                    .ifPresent(stage -> out.computeIfAbsent(stage, k -> new LinkedHashMap<>()).put(e.getKey(), e.getValue()));
        }
        return out;
    }

    public int clearErrors(String stage, Collection<String> allStages) throws IOException {
        Path file = dir.resolve(ERRORS_FILE);
        ObjectNode root = readObject(file);
        int removed = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (owner(e.getKey(), ErrorRecord.fromJson(e.getKey(), e.getValue()), allStages).map(stage::equals).orElse(false)) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0) {
            write(file, root, AtomicFiles.Sync.CONTENT_AND_RENAME);
        }
        return removed;
    }

    private static Optional<String> owner(String key, ErrorRecord r, Collection<String> allStages) {
        if (r.stage() != null) {
            return Optional.of(r.stage());
        }
        return allStages.stream()
                .filter(s -> key.startsWith(s + "_"))
                .max((a, b) -> Integer.compare(a.length(), b.length()));
    }

    // ---- stage_info.json ---------------------------------------------------------------------

    public Map<String, StageInfo> infos() throws IOException {
        Path file = dir.resolve(INFO_FILE);
        ObjectNode root = readObject(file);
        try {
            return json.convertValue(root, new TypeReference<LinkedHashMap<String, StageInfo>>() {});
        } catch (IllegalArgumentException e) {
            throw new StateFileException(file, "unexpected content: " + e.getMessage(), e);
        }
    }

    public StageInfo info(String stage) throws IOException {
        return infos().getOrDefault(stage, StageInfo.empty());
    }

    public StageInfo updateInfo(String stage, UnaryOperator<StageInfo> change) throws IOException {
        Path file = dir.resolve(INFO_FILE);
        ObjectNode root = readObject(file);
        StageInfo before = root.has(stage) ? json.convertValue(root.get(stage), StageInfo.class) : StageInfo.empty();
        StageInfo after = change.apply(before);
        if (after.reason() != null && !after.reason().equals(before.reason())) {
            after = after.withReason(redact.apply(after.reason()));
        }
        root.set(stage, json.valueToTree(after));
        write(file, root, AtomicFiles.Sync.CONTENT);
        return after;
    }

    public void removeInfo(String stage) throws IOException {
        Path file = dir.resolve(INFO_FILE);
        ObjectNode root = readObject(file);
        if (root.remove(stage) != null) {
            write(file, root, AtomicFiles.Sync.CONTENT);
        }
    }

    // ---- ai_branch.json -------------------------------------------------------------------

    /** The last reconciliation of the AI branch with main, as {@code status} shows it. */
    public record AiBranchSync(String time, String result, String conflictCommit, List<String> conflictPaths) {}

    public Optional<AiBranchSync> aiBranchSync() throws IOException {
        Path file = dir.resolve(AI_BRANCH_FILE);
        ObjectNode root = readObject(file);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.convertValue(root, AiBranchSync.class));
        } catch (IllegalArgumentException e) {
            throw new StateFileException(file, "unexpected content: " + e.getMessage(), e);
        }
    }

    public void setAiBranchSync(AiBranchSync sync) throws IOException {
        write(dir.resolve(AI_BRANCH_FILE), json.valueToTree(sync), AtomicFiles.Sync.CONTENT);
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private ObjectNode readObject(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return json.createObjectNode();
        }
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(bytes);
            if (!(node instanceof ObjectNode obj)) {
                throw new StateFileException(file, "expected a JSON object at the top level", null);
            }
            return obj;
        } catch (JsonProcessingException e) {
            throw new StateFileException(file, "not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Replaces the file unless it already holds exactly these bytes: an unchanged file is already
     * on disk, and each skipped replace saves fsyncs on the path of every attempt.
     *
     * <p>errors.json is written with {@code CONTENT_AND_RENAME}: it holds the call reservations,
     * which must survive a power loss before the call is made (I6). Status and stage info are
     * written with {@code CONTENT}: a power loss may bring back their previous complete version,
     * which is the state a crash a moment earlier would have left, and recovery handles that (the
     * process group it records is dead after a reboot anyway). This halves the fsyncs of an attempt.
     */
    private void write(Path file, JsonNode node, AtomicFiles.Sync sync) throws IOException {
        byte[] content = (json.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        if (sameContent(file, content)) {
            return;
        }
        AtomicFiles.write(file, content, sync);
    }

    private static boolean sameContent(Path file, byte[] content) throws IOException {
        try {
            return Files.size(file) == content.length && Arrays.equals(Files.readAllBytes(file), content);
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
