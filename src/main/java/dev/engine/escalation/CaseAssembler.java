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
import java.util.List;

/**
 * Builds the text of a case file from the engine's records and the stage's files. Shared by
 * escalation, the {@code openai} and {@code command} executors and {@code engine case}, so all of
 * them send the same kind of text. It writes nothing: where a case goes is {@link CaseFiles}'s job.
 */
public final class CaseAssembler {
    private final StateStore state;
    private final AuditLog audit;
    private final ContextMap map;
    private final String memo;
    private final Settings settings;
    private final Path home;
    private final Path filesRoot;
    private final Redactor redactor;

    private CaseAssembler(Builder b) {
        this.state = b.state;
        this.audit = b.audit;
        this.map = b.map;
        this.memo = b.memo;
        this.settings = b.settings;
        this.home = b.home;
        this.filesRoot = b.filesRoot;
        this.redactor = b.redactor;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The master memo's text, or "" when the home has none. */
    public static String readMemo(Path memoFile) throws IOException {
        return Files.isRegularFile(memoFile) ? Files.readString(memoFile, StandardCharsets.UTF_8) : "";
    }

    /** Case version {@code version} for the failure in {@code log}, redacted and held to the token budget. */
    public CaseFile assemble(StageSpec stage, String fingerprint, Path log, int version,
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

    /** Every part is required except the memo (none: ""). */
    public static final class Builder {
        private StateStore state;
        private AuditLog audit;
        private ContextMap map;
        private String memo = "";
        private Settings settings;
        private Path home;
        private Path filesRoot;
        private Redactor redactor;

        private Builder() {}

        /** Where the attempts and API calls of a fingerprint so far are read from. */
        public Builder state(StateStore state) {
            this.state = state;
            return this;
        }

        /** Where the history of a fingerprint is read from. */
        public Builder audit(AuditLog audit) {
            this.audit = audit;
            return this;
        }

        public Builder map(ContextMap map) {
            this.map = map;
            return this;
        }

        /** The master memo's text (see {@link #readMemo}). */
        public Builder memo(String memo) {
            this.memo = memo;
            return this;
        }

        /** API call budget, log tail length and case token budget. */
        public Builder settings(Settings settings) {
            this.settings = settings;
            return this;
        }

        /** The engine's home: log paths in the case are relative to it. */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** The directory the stage's files are read from: the AI-branch checkout the stage runs in. */
        public Builder filesRoot(Path filesRoot) {
            this.filesRoot = filesRoot;
            return this;
        }

        /** Every file and log line quoted in the case goes through it. */
        public Builder redactor(Redactor redactor) {
            this.redactor = redactor;
            return this;
        }

        public CaseAssembler build() {
            required(state, "state");
            required(audit, "audit");
            required(map, "map");
            required(memo, "memo");
            required(settings, "settings");
            required(home, "home");
            required(filesRoot, "filesRoot");
            required(redactor, "redactor");
            return new CaseAssembler(this);
        }

        private static void required(Object part, String name) {
            if (part == null) {
                throw new IllegalStateException("CaseAssembler: " + name + " is required");
            }
        }
    }
}
