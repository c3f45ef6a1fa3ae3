package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/** The ways each kind of part can be shown, richest first. */
final class Parts {
    /** Context lines around a region, tried in turn until the file fits. */
    private static final int[] CONTEXT = {40, 30, 20, 15, 10, 7, 5, 3, 2, 1, 0};
    private static final int[] HEAD = {400, 300, 200, 150, 100, 70, 50, 30, 20, 10};
    private static final int[] MEMO_HEAD = {80, 40, 20, 10};
    private static final int[] TAIL_WITH_ERRORS = {150, 100, 60, 40, 25, 15};
    private static final int[] TAIL_ONLY = {10, 5, 3, 2, 1};
    private static final int MAX_EARLIER_ERRORS = 20;
    /** An identifier found on more lines than this says little about where the problem is. */
    private static final int MAX_HITS_PER_IDENTIFIER = 12;
    private static final int MAX_CENTERS = 40;
    private static final int MAX_IDENTIFIER_CENTERS = 12;
    private static final int MAX_IDENTIFIERS = 40;
    private static final Map<String, String> LANG = Map.ofEntries(
            Map.entry("yaml", "yaml"), Map.entry("yml", "yaml"), Map.entry("sh", "bash"), Map.entry("bash", "bash"),
            Map.entry("json", "json"), Map.entry("md", "markdown"), Map.entry("toml", "toml"), Map.entry("tf", "hcl"),
            Map.entry("hcl", "hcl"), Map.entry("py", "python"), Map.entry("go", "go"), Map.entry("ini", "ini"),
            Map.entry("conf", "conf"), Map.entry("j2", "jinja"), Map.entry("nix", "nix"), Map.entry("xml", "xml"));

    private Parts() {}

    // ---------------------------------------------------------------- stage files

    /** Where a file part's excerpts center, and why (for the reader and the notes). */
    record Focus(List<Integer> centers, String why) {}

    /**
     * Lines the log points to: the lines it cites by number first, then lines holding identifiers
     * from its error lines, the rarest first (an identifier on many lines is too common to help).
     */
    static Focus focus(Lines file, Set<Integer> lineRefs, Set<String> identifiers) {
        Set<Integer> centers = new TreeSet<>();
        List<String> why = new ArrayList<>();
        List<Integer> cited = new ArrayList<>();
        for (int ref : lineRefs) {
            if (ref >= 1 && ref <= file.size() && centers.size() < MAX_CENTERS) {
                centers.add(ref - 1);
                cited.add(ref);
            }
        }
        if (!cited.isEmpty()) why.add("line" + (cited.size() == 1 ? " " : "s ") + join(cited, 8) + " cited by the log");
        record Hit(String id, List<Integer> lines) {}
        List<Hit> hits = new ArrayList<>();
        int tried = 0;
        for (String id : identifiers) {
            if (tried++ >= MAX_IDENTIFIERS) break;
            String needle = id.toLowerCase(Locale.ROOT);
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < file.size() && at.size() <= MAX_HITS_PER_IDENTIFIER; i++) {
                if (LogClues.contains(file.lower(i), needle)) at.add(i);
            }
            if (!at.isEmpty() && at.size() <= MAX_HITS_PER_IDENTIFIER) hits.add(new Hit(id, at));
        }
        // Identifiers come best first (quoted, structured, plain). Plain words only count when
        // nothing more specific is in the file: "talos" in a Talos config is everywhere.
        List<String> used = new ArrayList<>();
        int fromIds = 0;
        boolean specific = false;
        for (Hit h : hits) {
            boolean plain = !LogClues.isStructured(h.id()) && !h.id().contains(" ");
            if (plain && specific) break;
            if (fromIds >= MAX_IDENTIFIER_CENTERS || centers.size() >= MAX_CENTERS) break;
            boolean added = false;
            for (int i : h.lines()) {
                if (fromIds < MAX_IDENTIFIER_CENTERS && centers.size() < MAX_CENTERS && centers.add(i)) {
                    added = true;
                    fromIds++;
                }
            }
            if (added) {
                used.add("'" + Md.inline(h.id(), 40) + "'");
                if (!plain) specific = true;
            }
        }
        if (!used.isEmpty()) why.add("lines holding " + String.join(", ", used.subList(0, Math.min(6, used.size())))
                + (used.size() > 6 ? " and " + (used.size() - 6) + " more" : "") + " from the log's error lines");
        return new Focus(List.copyOf(centers), String.join("; ", why));
    }

    static Part file(StageFiles.Found f, Lines lines, boolean named, Focus focus, String fence, Costs costs) {
        String path = f.path();
        String heading = "### `" + Md.inline(path, 300) + "`" + (named ? " (named in the log)" : "") + "\n";
        String readCut = f.cut() ? " Only the first " + (StageFiles.MAX_BYTES >> 20) + " MiB of the file were read." : "";
        String lang = LANG.getOrDefault(extension(path), "");
        int n = lines.size();
        List<IntFunction<Rendering>> levels = new ArrayList<>();
        String whole = (n == 0 ? "Empty file." : "Whole file, " + Md.plural(n, "line", "lines") + ".") + readCut + "\n";
        String wholeNote = f.cut() ? "file " + path + ": larger than " + (StageFiles.MAX_BYTES >> 20) + " MiB; only its beginning was read" : null;
        Excerpt.View all = new Excerpt.View(lines, Excerpt.all(n), false, false);
        levels.add(limit -> Excerpt.fenced(heading + whole, fence, lang, all, costs, limit, wholeNote));
        int previous = n;
        if (!focus.centers().isEmpty()) {
            for (int c : CONTEXT) {
                Excerpt.View view = new Excerpt.View(lines, Excerpt.around(focus.centers(), c, n), true, true);
                int shown = view.shown();
                if (shown >= previous) continue;
                previous = shown;
                String status = "Excerpt: " + shown + " of " + Md.plural(n, "line", "lines") + ", " + c + " lines around "
                        + focus.why() + ". The numbers on the left are not part of the file." + readCut + "\n";
                String note = "file " + path + ": cut to " + shown + " of " + n + " lines (" + c + " lines around "
                        + focus.why() + ") to fit the token budget";
                levels.add(limit -> Excerpt.fenced(heading + status, fence, "", view, costs, limit, note));
            }
        } else {
            for (int h : HEAD) {
                if (h >= previous) continue;
                previous = h;
                Excerpt.View view = new Excerpt.View(lines, Excerpt.head(h, n), false, true);
                String status = "First " + h + " of " + Md.plural(n, "line", "lines") + "." + readCut + "\n";
                String note = "file " + path + ": only its first " + h + " of " + n + " lines kept to fit the token budget";
                levels.add(limit -> Excerpt.fenced(heading + status, fence, lang, view, costs, limit, note));
            }
        }
        String left = "file " + path + ": left out to fit the token budget (" + Md.plural(n, "line", "lines") + ")";
        levels.add(limit -> Rendering.none(left));
        return new Part("file " + path, path, named ? Part.NAMED_FILE : Part.OTHER_FILE, levels);
    }

    private static String extension(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- memo sections

    static Part memo(MemoIndex.Chunk chunk, Lines memo, String fence, Costs costs) {
        int end = chunk.end();
        // Trailing blank lines and horizontal rules separate sections in the memo; here they are noise.
        while (end > chunk.start() + 1 && memo.get(end - 1).strip().matches("|-{3,}|\\*{3,}|_{3,}")) end--;
        Lines lines = new Lines(memo.all().subList(chunk.start(), end));
        int n = lines.size();
        String title = Md.inline(chunk.title(), 120);
        List<IntFunction<Rendering>> levels = new ArrayList<>();
        Excerpt.View all = new Excerpt.View(lines, Excerpt.all(n), false, true);
        levels.add(limit -> Excerpt.fenced("", fence, "markdown", all, costs, limit, null));
        for (int h : MEMO_HEAD) {
            if (h >= n) continue;
            Excerpt.View view = new Excerpt.View(lines, Excerpt.head(h, n), false, true);
            String note = "memo section '" + title + "': first " + h + " of " + n + " lines kept to fit the token budget";
            levels.add(limit -> Excerpt.fenced("", fence, "markdown", view, costs, limit, note));
        }
        String left = "memo section '" + title + "' (" + Md.plural(n, "line", "lines") + ") left out to fit the token budget";
        levels.add(limit -> Rendering.none(left));
        return new Part("memo section " + title, title, chunk.byName() ? Part.MEMO_SECTION : Part.MEMO_KEYWORD, levels);
    }

    // ---------------------------------------------------------------- log tail, diagnostics output

    /**
     * Output read from the end: the whole of it, then its last lines plus the error lines before
     * them, then its last lines only ("shortened from the top"), then nothing.
     *
     * @param what how notes name it: "log tail", "output of `kubectl get pods`"
     */
    static Part tail(String what, int tier, Lines lines, List<Integer> errors, String fence, int softCap, Costs costs) {
        int n = lines.size();
        List<IntFunction<Rendering>> levels = new ArrayList<>();
        boolean longLines = lines.all().stream().anyMatch(l -> l.length() > Excerpt.MAX_LINE_CHARS);
        Excerpt.View all = new Excerpt.View(lines, Excerpt.all(n), false, true);
        String allNote = longLines ? what + ": lines longer than " + Excerpt.MAX_LINE_CHARS + " characters cut" : null;
        levels.add(limit -> Excerpt.fenced("", fence, "text", all, costs, limit, allNote));
        for (int k : TAIL_WITH_ERRORS) {
            if (k >= n) continue;
            List<Excerpt.Range> ranges = new ArrayList<>(Excerpt.tail(k, n));
            List<Integer> earlier = errors.stream().filter(i -> i < n - k).toList();
            earlier = earlier.subList(Math.max(0, earlier.size() - MAX_EARLIER_ERRORS), earlier.size());
            for (int i : earlier) ranges.add(new Excerpt.Range(i, i + 1));
            Excerpt.View view = new Excerpt.View(lines, ranges, false, true);
            int e = earlier.size();
            String note = what + ": kept the last " + k + " of " + n + " lines" + (e > 0 ? " and " + e + " earlier error lines" : "")
                    + " to fit the token budget";
            levels.add(limit -> Excerpt.fenced("", fence, "text", view, costs, limit, note));
        }
        for (int k : TAIL_ONLY) {
            if (k >= n) continue;
            Excerpt.View view = new Excerpt.View(lines, Excerpt.tail(k, n), false, true);
            String note = what + " shortened from the top to its last " + k + " of " + n + " lines: the token budget has no room for more";
            levels.add(limit -> Excerpt.fenced("", fence, "text", view, costs, limit, note));
        }
        String stub = "(left out: the token budget has no room for it)\n\n";
        String left = what + " left out entirely: the token budget has no room even for its last line";
        levels.add(limit -> Rendering.of(stub, costs, limit, left, false));
        return new Part(what, what, tier, levels, softCap);
    }

    // ---------------------------------------------------------------- attempt history

    static final int MAX_HISTORY = 20;
    private static final int[] HISTORY_KEEP = {MAX_HISTORY, 10, 5, 2, 1, 0};

    /** @param entries rendered entry lines, oldest first */
    static Part history(List<String> entries, Costs costs) {
        int n = entries.size();
        List<IntFunction<Rendering>> levels = new ArrayList<>();
        Set<Integer> keeps = new LinkedHashSet<>();
        for (int k : HISTORY_KEEP) keeps.add(Math.min(k, n));
        for (int k : keeps) {
            StringBuilder sb = new StringBuilder();
            if (k < n) sb.append("(").append(Md.plural(n - k, "earlier entry", "earlier entries")).append(" left out)\n");
            for (String e : entries.subList(n - k, n)) sb.append(e);
            sb.append('\n');
            String text = sb.toString();
            String note = k == n ? null : k == MAX_HISTORY && n > MAX_HISTORY
                    ? "attempt history: only the last " + k + " of " + n + " entries shown"
                    : "attempt history: only the last " + k + " of " + n + " entries kept to fit the token budget";
            levels.add(limit -> Rendering.of(text, costs, limit, note, k > 0));
        }
        return new Part("attempt history", "attempt history", Part.HISTORY, levels);
    }

    private static String join(List<Integer> xs, int max) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < Math.min(max, xs.size()); i++) s.add(Integer.toString(xs.get(i)));
        return String.join(", ", s) + (xs.size() > max ? " and " + (xs.size() - max) + " more" : "");
    }
}
