package dev.engine.escalation.casefile;

import dev.engine.config.StageSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Builds the case file sent to the model when a failure outlasts the executor (DESIGN.md §1 step 3,
 * §5 {@code escalations/<stage>_<ts>_case_vN.md}).
 *
 * <p>Sections, always in this order: title; stage; success criteria; failure (fingerprint, attempts,
 * budget); attempt history; master_memo.md sections ({@link MemoIndex} says which); stage files;
 * log tail; for version 2, the diagnostics output and the refused requests; the response contract.
 *
 * <p>Every text that comes from the workspace, the log, the memo, the history or a command goes
 * through {@code redactFile} before it is measured or shown (DESIGN.md §6 I8).
 *
 * <p>The whole text is held under the token budget, counted with a real tokenizer on the final text.
 * When it does not fit, parts give way in this order: memo sections matched by keyword, then memo
 * sections named by the stage (longest first in each), then stage files the log does not name
 * (cut around lines holding identifiers from its error lines, else to their head), then files the log
 * names (cut around the lines it cites and the identifiers, with line numbers), then diagnostics
 * output, then the attempt history, and last the log tail (its last lines plus earlier error lines,
 * then only its last lines). The header, the stage and the response contract are never cut. The log
 * tail and diagnostics output start within a share of the budget (40% each) so that a huge log
 * cannot crowd out every file; room left at the end goes back to them.
 *
 * <p>The output depends only on the input: no clock, no randomness, no map-order dependence.
 */
public final class CaseFileBuilder {
    private static final double LOG_SHARE = 0.4;
    private static final double DIAGNOSTICS_SHARE = 0.4;
    private static final int MAX_LIST = 20;

    private final TokenCounter counter;
    private final int tokenBudget;
    private final BiFunction<String, String, String> redactFile;

    /**
     * @param redactFile (relative path or label, text) to the redacted text; labels used:
     *                   a file's relative path, {@code master_memo.md}, the log path (or {@code log tail}),
     *                   {@code diagnostics: <command>}, {@code attempt history}, {@code context_map.yaml}
     */
    public CaseFileBuilder(TokenCounter counter, int tokenBudget, BiFunction<String, String, String> redactFile) {
        this.counter = Objects.requireNonNull(counter, "counter");
        this.redactFile = Objects.requireNonNull(redactFile, "redactFile");
        if (tokenBudget <= 0) throw new IllegalArgumentException("token budget must be positive, was " + tokenBudget);
        this.tokenBudget = tokenBudget;
    }

    /** The instructions that end every case file: the JSON answer and the rules for patches and diagnostics. */
    public static String responseContract() {
        return ResponseContract.TEXT;
    }

    public CaseFile build(CaseInput in) throws IOException {
        Costs costs = new Costs(counter, tokenBudget);
        StageSpec stage = in.stage();
        List<String> notes = new ArrayList<>();
        List<Piece> pieces = new ArrayList<>();

        // Redact first: what is measured, searched for clues and shown is the redacted text only.
        String logLabel = in.logPath().isBlank() ? "log tail" : in.logPath();
        Lines log = new Lines(redact(logLabel, Md.plain(in.logTail())));
        LogClues clues = new LogClues(log);
        String memoText = redact("master_memo.md", in.memo().replace("\r\n", "\n"));
        Lines memo = new Lines(memoText);
        StageFiles.Result files = StageFiles.read(in.filesRoot(), stage.files());

        header(in, files, pieces);
        history(in, costs, pieces);
        memo(in, memo, memoText, log, costs, pieces, notes);
        List<Part> fileParts = files(files, clues, costs, pieces, notes);
        log(in, log, clues, costs, pieces);
        if (in.version() >= 2) diagnostics(in, costs, pieces);
        pieces.add(new Piece.Fixed(ResponseContract.TEXT));

        Fitter.Fit fit = new Fitter(pieces, costs, tokenBudget, stage.name()).fit();

        List<String> included = new ArrayList<>();
        for (Part p : fileParts) {
            if (p.current().shown()) included.add(p.subject());
        }
        for (Piece p : pieces) {
            if (p instanceof Piece.Trimmable t && t.part().current().note() != null) notes.add(t.part().current().note());
        }
        return new CaseFile(fit.text(), fit.tokens(), in.version(), included, notes);
    }

    private String redact(String label, String text) {
        return Objects.requireNonNull(redactFile.apply(label, text), () -> "redactFile returned null for " + label);
    }

    private String config(String text, int max) {
        return Md.inline(redact("context_map.yaml", text), max);
    }

    // ---------------------------------------------------------------- header

    private void header(CaseInput in, StageFiles.Result files, List<Piece> pieces) {
        StageSpec s = in.stage();
        StringBuilder sb = new StringBuilder();
        sb.append("# Case file v").append(in.version()).append(": stage `").append(config(s.name(), 100))
                .append("`, fingerprint `").append(Md.inline(in.fingerprint(), 100)).append("`\n\n");
        sb.append("The stage below keeps failing with the same error; earlier attempts are listed under the history. "
                + "Propose a fix (it is committed to the engine's AI side branch, and a human reviews it before it "
                + "reaches main), ask for diagnostics, or give up. The response contract at the end says how to answer.\n");
        if (in.version() >= 2) {
            sb.append("This is a follow-up (case file v").append(in.version())
                    .append("): the output of the diagnostics you asked for comes after the log tail.\n");
        }
        sb.append("\n## Stage\n\n");
        sb.append("- Name: `").append(config(s.name(), 100)).append("`\n");
        if (!s.description().isBlank()) sb.append("- Description: ").append(config(s.description(), 2000)).append('\n');
        sb.append("- Command: `").append(config(s.command(), 500)).append("` (run from the workspace root)\n");
        s.host().ifPresent(h -> sb.append("- Runs on: `").append(config(h, 200)).append("` over SSH\n"));
        List<String> scope = new ArrayList<>();
        for (String e : files.scope()) scope.add("`" + config(e, 300) + "`");
        sb.append("- Files in scope: ").append(scope.isEmpty() ? "(none)" : capped(scope, 50)).append('\n');
        if (!s.diagnostics().isEmpty()) {
            sb.append("- Diagnostics you may request:\n");
            for (String d : s.diagnostics().subList(0, Math.min(30, s.diagnostics().size()))) {
                sb.append("  - `").append(config(d, 300)).append("`\n");
            }
        }
        sb.append("\n## Success criteria\n\n");
        if (s.successCriteria().isEmpty()) {
            sb.append("(none given: the stage's command must exit 0")
                    .append(s.successChecks().isEmpty() ? ")\n" : " and its success checks must pass)\n");
        }
        for (String c : s.successCriteria().subList(0, Math.min(30, s.successCriteria().size()))) {
            sb.append("- ").append(config(c, 500)).append('\n');
        }
        for (String c : s.successChecks().subList(0, Math.min(10, s.successChecks().size()))) {
            sb.append("- check: `").append(config(c, 300)).append("` exits 0\n");
        }
        sb.append("\n## Failure\n\n");
        sb.append("- Fingerprint: `").append(Md.inline(in.fingerprint(), 100)).append("`\n");
        sb.append("- Failed runs with this fingerprint: ").append(in.attemptsOnFingerprint()).append('\n');
        int call = in.apiCallsUsed() + 1;
        sb.append("- Model calls on this fingerprint: ").append(in.apiCallsUsed()).append(" used of ")
                .append(in.apiCallBudget()).append("; this case file is call ").append(call).append(".\n");
        if (call >= in.apiCallBudget()) {
            sb.append("- This is the last call the budget allows: a `diagnostics` answer would leave no call to act "
                    + "on its output, so answer with `patch` or `give_up`.\n");
        }
        sb.append("\n## Attempt history on this fingerprint\n\n");
        pieces.add(new Piece.Fixed(sb.toString()));
    }

    private void history(CaseInput in, Costs costs, List<Piece> pieces) {
        if (in.history().isEmpty()) {
            pieces.add(new Piece.Fixed("No earlier attempt on this fingerprint is recorded.\n\n"));
            return;
        }
        List<String> entries = new ArrayList<>();
        for (HistoryEntry h : in.history()) {
            String label = "attempt history";
            entries.add("- " + Md.inline(redact(label, h.when()), 40) + " · " + Md.inline(redact(label, h.source()), 20)
                    + " · " + Md.inline(redact(label, h.action()), 400) + " → " + Md.inline(redact(label, h.outcome()), 400) + "\n");
        }
        pieces.add(new Piece.Trimmable(Parts.history(entries, costs)));
    }

    // ---------------------------------------------------------------- memo

    private void memo(CaseInput in, Lines memo, String memoText, Lines log, Costs costs, List<Piece> pieces, List<String> notes) {
        pieces.add(new Piece.Fixed("## Architecture notes (master_memo.md)\n\n"));
        if (memoText.isBlank()) {
            pieces.add(new Piece.Fixed("master_memo.md is absent or empty.\n\n"));
            notes.add("memo: master_memo.md is absent or empty");
            return;
        }
        StageSpec s = in.stage();
        String stageText = s.name() + "\n" + s.description() + "\n" + String.join("\n", log.all());
        MemoIndex.Selection sel = new MemoIndex(memo).select(s.architectureSections(), in.sectionKeywords(), stageText);
        notes.addAll(sel.notes());
        if (sel.chunks().isEmpty()) {
            pieces.add(new Piece.Fixed("No section of master_memo.md matches this stage.\n\n"));
            return;
        }
        String fence = Md.fence(memoText);
        List<Part> parts = new ArrayList<>();
        for (MemoIndex.Chunk c : sel.chunks()) parts.add(Parts.memo(c, memo, fence, costs));
        pieces.add(new Piece.Dynamic(() -> memoIntro(parts)));
        for (Part p : parts) pieces.add(new Piece.Trimmable(p));
    }

    private static String memoIntro(List<Part> parts) {
        List<String> left = new ArrayList<>();
        for (Part p : parts) {
            if (!p.current().shown()) left.add("'" + p.subject() + "'");
        }
        String out = left.size() == parts.size() ? "" : "The sections of the architecture canon that concern this stage. A fix must agree with them.\n";
        if (!left.isEmpty()) out += "Sections that concern this stage but were left out to fit the token budget: " + capped(left, MAX_LIST) + ".\n";
        return out + "\n";
    }

    // ---------------------------------------------------------------- stage files

    private List<Part> files(StageFiles.Result files, LogClues clues, Costs costs, List<Piece> pieces, List<String> notes) {
        pieces.add(new Piece.Fixed("## Stage files\n\nPaths are relative to the workspace root. Whole files are shown "
                + "as they are; excerpts carry line numbers.\n\n"));
        for (StageFiles.Skipped s : files.skipped()) {
            notes.add("file " + Md.inline(s.entry(), 300) + ": " + s.kind().name().toLowerCase(Locale.ROOT)
                    + " (" + s.reason() + ")");
        }
        List<Part> parts = new ArrayList<>();
        for (StageFiles.Found f : files.files()) {
            String text = redact(f.path(), f.text());
            Lines lines = new Lines(text);
            boolean named = clues.names(f.path());
            Parts.Focus focus = Parts.focus(lines, named ? clues.lineRefs(f.path()) : Set.of(), clues.identifiers());
            parts.add(Parts.file(f, lines, named, focus, Md.fence(text), costs));
        }
        List<Part> view = List.copyOf(parts);
        pieces.add(new Piece.Dynamic(() -> notShown(files.skipped(), view)));
        for (Part p : parts) pieces.add(new Piece.Trimmable(p));
        if (files.files().isEmpty() && files.skipped().isEmpty()) pieces.add(new Piece.Fixed("The stage lists no files.\n\n"));
        return parts;
    }

    /** The stage files the reader does not get to see, and why. */
    private String notShown(List<StageFiles.Skipped> skipped, List<Part> parts) {
        StringBuilder sb = new StringBuilder();
        for (StageFiles.Skip kind : StageFiles.Skip.values()) {
            List<String> items = new ArrayList<>();
            for (StageFiles.Skipped s : skipped) {
                if (s.kind() == kind) items.add("`" + Md.inline(s.entry(), 200) + "` (" + Md.inline(s.reason(), 200) + ")");
            }
            if (items.isEmpty()) continue;
            String what = switch (kind) {
                case MISSING -> "Missing";
                case REFUSED -> "Refused (not read)";
                case BINARY -> "Binary, not shown";
                case LIMIT -> "Not all considered";
            };
            sb.append("- ").append(what).append(": ").append(capped(items, MAX_LIST)).append('\n');
        }
        List<String> left = new ArrayList<>();
        for (Part p : parts) {
            if (!p.current().shown()) left.add("`" + Md.inline(p.subject(), 200) + "`");
        }
        if (!left.isEmpty()) sb.append("- Left out to fit the token budget: ").append(capped(left, MAX_LIST)).append('\n');
        return sb.length() == 0 ? "" : "Not shown:\n" + sb + "\n";
    }

    private static String capped(List<String> items, int max) {
        if (items.size() <= max) return String.join(", ", items);
        return String.join(", ", items.subList(0, max)) + " and " + (items.size() - max) + " more";
    }

    // ---------------------------------------------------------------- log tail

    private void log(CaseInput in, Lines log, LogClues clues, Costs costs, List<Piece> pieces) {
        String from = in.logPath().isBlank() ? "" : " from `" + Md.inline(in.logPath(), 300) + "`";
        pieces.add(new Piece.Fixed("## Log tail\n\nThe last " + Md.plural(log.size(), "line", "lines") + " of the failing run"
                + from + ".\n\n"));
        if (log.size() == 0) {
            pieces.add(new Piece.Fixed("(the log tail is empty)\n\n"));
            return;
        }
        String fence = Md.fence(String.join("\n", log.all()));
        pieces.add(new Piece.Trimmable(Parts.tail("log tail", Part.LOG, log, clues.errorLines(), fence,
                (int) (tokenBudget * LOG_SHARE), costs)));
    }

    // ---------------------------------------------------------------- v2: diagnostics

    private void diagnostics(CaseInput in, Costs costs, List<Piece> pieces) {
        pieces.add(new Piece.Fixed("## Diagnostics you asked for\n\n"));
        if (in.diagnostics().isEmpty()) pieces.add(new Piece.Fixed("None of them ran.\n\n"));
        int share = (int) (tokenBudget * DIAGNOSTICS_SHARE / Math.max(1, in.diagnostics().size()));
        for (DiagnosticOutput d : in.diagnostics()) {
            String label = "diagnostics: " + d.command();
            String cmd = Md.inline(redact(label, d.command()), 300);
            String status = d.timedOut() ? "Timed out (output up to the timeout)." : "Exit code " + d.exitCode() + ".";
            pieces.add(new Piece.Fixed("### `" + cmd + "`\n\n" + status + "\n\n"));
            Lines out = new Lines(redact(label, Md.plain(d.output())));
            if (out.size() == 0) {
                pieces.add(new Piece.Fixed("(no output)\n\n"));
                continue;
            }
            LogClues c = new LogClues(out);
            pieces.add(new Piece.Trimmable(Parts.tail("output of `" + cmd + "`", Part.DIAGNOSTIC, out, c.errorLines(),
                    Md.fence(String.join("\n", out.all())), share, costs)));
        }
        pieces.add(new Piece.Fixed("## Refused diagnostics requests\n\n"));
        if (in.refused().isEmpty()) {
            pieces.add(new Piece.Fixed("None.\n\n"));
            return;
        }
        StringBuilder sb = new StringBuilder();
        List<RefusedRequest> shown = in.refused().subList(0, Math.min(MAX_LIST, in.refused().size()));
        for (RefusedRequest r : shown) {
            String label = "diagnostics: " + r.command();
            sb.append("- `").append(Md.inline(redact(label, r.command()), 300)).append("`: ")
                    .append(Md.inline(redact(label, r.reason()), 300)).append('\n');
        }
        if (in.refused().size() > shown.size()) sb.append("- and ").append(in.refused().size() - shown.size()).append(" more\n");
        pieces.add(new Piece.Fixed(sb.append('\n').toString()));
    }
}
