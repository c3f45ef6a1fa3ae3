package dev.engine.escalation;

import dev.engine.audit.AuditLog;
import dev.engine.config.ContextMap;
import dev.engine.config.Settings;
import dev.engine.config.StageSpec;
import dev.engine.escalation.casefile.CaseFile;
import dev.engine.escalation.casefile.CaseFileBuilder;
import dev.engine.escalation.casefile.CaseInput;
import dev.engine.escalation.casefile.DiagnosticOutput;
import dev.engine.escalation.casefile.RefusedRequest;
import dev.engine.escalation.casefile.TokenCounter;
import dev.engine.redact.Redactor;
import dev.engine.state.ErrorRecord;
import dev.engine.state.StateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Everything a case file is built from, and where its files go. Shared by escalation, the
 * {@code openai} executor and {@code engine case}, so all three send the same kind of text.
 *
 * @param filesRoot the directory the stage's files are read from: the AI-branch checkout the stage runs in
 */
public record CaseContext(StateStore state, AuditLog audit, ContextMap map, String memo, Settings settings,
                          Path home, Path filesRoot, Path escalationsDir, Redactor redactor, Clock clock) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    public static String readMemo(Path memoFile) throws IOException {
        return Files.isRegularFile(memoFile) ? Files.readString(memoFile, StandardCharsets.UTF_8) : "";
    }

    /** Builds case version {@code version} for the failure in {@code log}; nothing is written. */
    public CaseFile build(StageSpec stage, String fingerprint, Path log, int version,
                          List<DiagnosticOutput> diagnostics, List<RefusedRequest> refused) throws IOException {
        ErrorRecord rec = state.error(stage.name(), fingerprint).orElse(null);
        String logRel = log == null ? "" : home.relativize(log.toAbsolutePath()).toString();
        CaseInput in = new CaseInput(stage, fingerprint, rec == null ? 0 : rec.attempts(), rec == null ? 0 : rec.apiCalls(),
                settings.apiCallBudget(), LogTail.of(log, settings.logTailLines()), logRel,
                History.of(audit, stage.name(), fingerprint), memo, map.sectionKeywords(), filesRoot,
                diagnostics, refused, version);
        CaseFileBuilder builder = new CaseFileBuilder(TokenCounter.o200k(), settings.caseTokenBudget(), redactor::redactFile);
        return builder.build(in);
    }

    /** {@code <stage>_<yyyyMMdd-HHmmss>}: the common prefix of one escalation's files. */
    public String newPrefix(String stage) {
        return newPrefix(escalationsDir, stage, "", "_case_v1.md");
    }

    /**
     * {@code <stage>_<yyyyMMdd-HHmmss><tail>}, with {@code -2}, {@code -3}, ... added while
     * {@code dir} holds that name followed by {@code marker}: two in one second (a quick
     * re-escalation, a second fingerprint's first executor attempt) must not overwrite each
     * other's files.
     */
    public String newPrefix(Path dir, String stage, String tail, String marker) {
        String base = stage + "_" + STAMP.format(LocalDateTime.now(clock)) + tail;
        String prefix = base;
        for (int n = 2; Files.exists(dir.resolve(prefix + marker)); n++) {
            prefix = base + "-" + n;
        }
        return prefix;
    }

    /** Writes an escalation file atomically enough for a reader (whole file or nothing) and returns it. */
    public Path write(String name, String text) throws IOException {
        Files.createDirectories(escalationsDir);
        Path target = escalationsDir.resolve(name);
        Path tmp = escalationsDir.resolve("." + name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
