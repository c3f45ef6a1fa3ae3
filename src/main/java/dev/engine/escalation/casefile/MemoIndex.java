package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the sections of master_memo.md a case file shows.
 *
 * <p>Sections are ATX headings ("## Talos") outside code fences. A section's <em>subtree</em> runs
 * to the next heading of the same or a higher level; its <em>own text</em> runs to the next heading
 * of any level. Two ways in:
 * <ol>
 *   <li><b>By name</b>: each of the stage's {@code architecture_sections} selects the subtree of every
 *       heading that equals it, compared case-insensitively and without leading numbering or
 *       punctuation ("## 3. Talos" and "### Talos:" match "talos"), or that starts with it followed by
 *       a non-word character ("## Talos Linux").</li>
 *   <li><b>By keyword</b>: a group of {@code architecture_section_keywords} is relevant when the
 *       stage lists it in {@code architecture_sections}, or when its name or one of its keywords
 *       occurs in the stage's name, description or log tail. The group's name counts as one of its
 *       keywords. A section whose heading holds a keyword of a relevant group is selected with its subtree; a section whose own text holds at
 *       least two different such keywords is selected alone (its own text). One keyword in passing
 *       is not enough: "Kubernetes" occurs in most sections of a homelab memo.</li>
 * </ol>
 * Level-1 headings (the memo's title) are only ever selected by name, never with their subtree by
 * keyword: that would be the whole memo. Keywords match whole words, case-insensitively, also in
 * the plural ("VM" matches "VMs").
 */
final class MemoIndex {
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)[ \\t]*#*[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern NUMBERING = Pattern.compile("^(?:\\(?\\d+(?:\\.\\d+)*[.):]?|[ivxlc]+[.)]|§\\s*\\d+(?:\\.\\d+)*\\.?)\\s+");

    /** One selected stretch of the memo: lines [start, end). */
    record Chunk(String title, int start, int end, boolean byName, String reason) {}

    private record Section(int level, String title, String norm, int start, int ownEnd, int subtreeEnd) {}

    private final Lines lines;
    private final List<Section> sections;

    MemoIndex(Lines lines) {
        this.lines = lines;
        this.sections = parse(lines);
    }

    private static List<Section> parse(Lines lines) {
        List<int[]> heads = new ArrayList<>(); // {line, level}
        List<String> titles = new ArrayList<>();
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher f = FENCE.matcher(line);
            if (f.find()) {
                String mark = f.group(1);
                if (fence == null) {
                    fence = mark;
                } else if (mark.charAt(0) == fence.charAt(0) && mark.length() >= fence.length()) {
                    fence = null;
                }
                continue;
            }
            if (fence != null) continue;
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                heads.add(new int[] {i, h.group(1).length()});
                titles.add(h.group(2));
            }
        }
        List<Section> out = new ArrayList<>();
        for (int k = 0; k < heads.size(); k++) {
            int start = heads.get(k)[0];
            int level = heads.get(k)[1];
            int ownEnd = k + 1 < heads.size() ? heads.get(k + 1)[0] : lines.size();
            int subtreeEnd = lines.size();
            for (int j = k + 1; j < heads.size(); j++) {
                if (heads.get(j)[1] <= level) {
                    subtreeEnd = heads.get(j)[0];
                    break;
                }
            }
            out.add(new Section(level, titles.get(k), normalize(titles.get(k)), start, ownEnd, subtreeEnd));
        }
        return out;
    }

    /** "3. Talos:" as "talos": lower case, numbering and surrounding punctuation gone, spaces collapsed. */
    static String normalize(String heading) {
        String s = heading.toLowerCase(Locale.ROOT).strip();
        s = s.replaceAll("[*_`]", "");
        s = NUMBERING.matcher(s).replaceFirst("");
        s = s.replaceAll("^[^\\p{L}\\p{N}]+", "").replaceAll("[^\\p{L}\\p{N})]+$", "");
        return s.replaceAll("\\s+", " ");
    }

    static boolean headingMatches(String normHeading, String normName) {
        if (normName.isEmpty()) return false;
        if (normHeading.equals(normName)) return true;
        return normHeading.startsWith(normName)
                && !Character.isLetterOrDigit(normHeading.charAt(normName.length()));
    }

    /** Whole-word, case-insensitive, optional plural. */
    static boolean hasKeyword(String text, String keyword) {
        return hasKeywordLower(text.toLowerCase(Locale.ROOT), keyword.strip().toLowerCase(Locale.ROOT));
    }

    /** {@link #hasKeyword} on lower-cased text with indexOf: the stage text holds the whole log tail. */
    private static boolean hasKeywordLower(String text, String kw) {
        if (kw.isEmpty()) return false;
        for (int i = text.indexOf(kw); i >= 0; i = text.indexOf(kw, i + 1)) {
            if (i > 0 && wordChar(text.charAt(i - 1))) continue;
            int end = i + kw.length();
            if (text.startsWith("es", end)) end += 2;
            else if (text.startsWith("s", end)) end += 1;
            if (end < text.length() && wordChar(text.charAt(end))) {
                // "VMs" ends after the plural; "VMware" does not end at all
                int plain = i + kw.length();
                if (plain < text.length() && wordChar(text.charAt(plain))) continue;
            }
            return true;
        }
        return false;
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static Pattern keywordPattern(String keyword) {
        return Pattern.compile("(?<![\\p{L}\\p{N}_])" + Pattern.quote(keyword.strip()) + "(?:s|es)?(?![\\p{L}\\p{N}_])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** Whether some heading matches {@code architectureSection} by name, as {@link #select} matches it. */
    boolean hasHeading(String architectureSection) {
        String norm = normalize(architectureSection);
        return sections.stream().anyMatch(s -> headingMatches(s.norm(), norm));
    }

    /** The result of a selection: chunks in memo order, and notes on how they were chosen. */
    record Selection(List<Chunk> chunks, List<String> notes) {}

    Selection select(List<String> architectureSections, Map<String, List<String>> groups, String stageText) {
        List<String> notes = new ArrayList<>();
        List<Chunk> chosen = new ArrayList<>();
        boolean[] covered = new boolean[lines.size()];

        for (String name : architectureSections) {
            String norm = normalize(name);
            boolean any = false;
            for (Section s : sections) {
                if (!headingMatches(s.norm(), norm)) continue;
                any = true;
                if (covered[s.start()]) continue;
                chosen.add(new Chunk(s.title(), s.start(), s.subtreeEnd(), true, "architecture_sections: " + name));
                mark(covered, s.start(), s.subtreeEnd());
            }
            if (!any) notes.add("memo: no heading matches architecture section '" + name + "'"
                    + (groups.containsKey(name) ? "; its keywords are used instead" : ""));
        }

        Map<String, List<String>> relevant = relevantGroups(architectureSections, groups, stageText);
        if (!relevant.isEmpty()) {
            notes.add("memo: keyword groups used: " + String.join(", ", relevant.keySet()));
        }
        Map<String, Pattern> patterns = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> g : relevant.entrySet()) {
            // The group's name is a keyword too: group "storage" finds the heading "Storage".
            List<String> kws = new ArrayList<>(g.getValue());
            kws.add(g.getKey());
            for (String kw : kws) {
                if (!kw.isBlank()) patterns.putIfAbsent(kw.strip().toLowerCase(Locale.ROOT), keywordPattern(kw));
            }
        }
        for (Section s : sections) {
            if (covered[s.start()] || patterns.isEmpty()) continue;
            String inHeading = first(patterns, s.title());
            if (inHeading != null) {
                int end = s.level() == 1 ? s.ownEnd() : s.subtreeEnd();
                chosen.add(new Chunk(s.title(), s.start(), end, false, "keyword '" + inHeading + "' in heading"));
                mark(covered, s.start(), end);
                continue;
            }
            Set<String> hits = new LinkedHashSet<>();
            StringBuilder own = new StringBuilder();
            for (int i = s.start() + 1; i < s.ownEnd(); i++) own.append(lines.get(i)).append('\n');
            for (Map.Entry<String, Pattern> e : patterns.entrySet()) {
                if (e.getValue().matcher(own).find()) hits.add(e.getKey());
            }
            if (hits.size() >= 2) {
                chosen.add(new Chunk(s.title(), s.start(), s.ownEnd(), false, "keywords " + quoteAll(hits)));
                mark(covered, s.start(), s.ownEnd());
            }
        }
        List<Chunk> merged = merge(chosen);
        for (Chunk c : merged) notes.add("memo: section '" + c.title() + "' (" + c.reason() + ")");
        return new Selection(merged, List.copyOf(notes));
    }

    /** Groups in the map's order: those the stage names, then those whose name or a keyword occurs in its text. */
    static Map<String, List<String>> relevantGroups(List<String> architectureSections, Map<String, List<String>> groups,
                                                    String stageText) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String lower = stageText.toLowerCase(Locale.ROOT);
        Set<String> named = new LinkedHashSet<>();
        for (String n : architectureSections) named.add(n.strip().toLowerCase(Locale.ROOT));
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            boolean relevant = named.contains(g.getKey().strip().toLowerCase(Locale.ROOT))
                    || hasKeywordLower(lower, g.getKey().strip().toLowerCase(Locale.ROOT));
            for (String kw : g.getValue()) {
                if (relevant) break;
                relevant = hasKeywordLower(lower, kw.strip().toLowerCase(Locale.ROOT));
            }
            if (relevant) out.put(g.getKey(), g.getValue());
        }
        return out;
    }

    private static String first(Map<String, Pattern> patterns, String text) {
        for (Map.Entry<String, Pattern> e : patterns.entrySet()) {
            if (e.getValue().matcher(text).find()) return e.getKey();
        }
        return null;
    }

    private static String quoteAll(Set<String> words) {
        List<String> q = new ArrayList<>();
        for (String w : words) q.add("'" + w + "'");
        return String.join(", ", q);
    }

    private static void mark(boolean[] covered, int from, int to) {
        for (int i = from; i < to; i++) covered[i] = true;
    }

    /**
     * Chunks in memo order, a chunk that lies inside or overlaps another folded into it (a subtree
     * chosen by keyword may hold a subsection chosen by name earlier).
     */
    private static List<Chunk> merge(List<Chunk> chosen) {
        List<Chunk> sorted = new ArrayList<>(chosen);
        sorted.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start()) : Integer.compare(b.end(), a.end()));
        List<Chunk> out = new ArrayList<>();
        for (Chunk c : sorted) {
            if (!out.isEmpty() && c.start() < out.get(out.size() - 1).end()) {
                Chunk last = out.remove(out.size() - 1);
                out.add(new Chunk(last.title(), last.start(), Math.max(last.end(), c.end()), last.byName() || c.byName(),
                        last.reason() + "; with '" + c.title() + "' (" + c.reason() + ")"));
            } else {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }
}
