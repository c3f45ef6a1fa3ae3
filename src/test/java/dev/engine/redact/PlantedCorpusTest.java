package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planted-secret corpus through {@link Redactor#redactFile}, with the workspace's known values
 * collected as the engine collects them: no planted secret (nor a 12-character piece of one)
 * survives, each is replaced by exactly one placeholder covering exactly its characters, one
 * secret has one placeholder everywhere, and a second redactor with the same key writes the same.
 */
class PlantedCorpusTest {
    private static List<PlantedCorpus.Context> corpus;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        corpus = PlantedCorpus.load();
    }

    @Test
    void the_corpus_is_big_enough_and_its_counts_are_printed() {
        int secrets = 0;
        int occurrences = 0;
        StringBuilder sb = new StringBuilder("planted corpus (context: secrets / occurrences)\n");
        for (PlantedCorpus.Context c : corpus) {
            secrets += c.secrets().size();
            occurrences += c.occurrences();
            sb.append(String.format("  %-28s %3d / %3d%n", c.name(), c.secrets().size(), c.occurrences()));
        }
        sb.append(String.format("  %-28s %3d / %3d in %d contexts%n", "total", secrets, occurrences, corpus.size()));
        System.out.print(sb);
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
        assertThat(secrets).isGreaterThanOrEqualTo(150);
    }

    @Test
    void no_planted_secret_survives_and_each_is_one_exact_stable_placeholder() throws Exception {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (PlantedCorpus.Context c : corpus) {
            Path ws = c.writeWorkspace(tmp.resolve(c.name()));
            KnownSecrets known = KnownSecrets.collect(ws, c.env());
            Redactor r = Redactor.create(Secrets.KEY, known);
            Redactor again = Redactor.create(Secrets.KEY.clone(), KnownSecrets.collect(ws, c.env()));
            Map<String, String> placeholderOf = new HashMap<>();
            for (PlantedCorpus.Text t : c.texts()) {
                String out = r.redactFile(t.path(), t.content());
                String where = c.name() + "/" + t.path();
                if (!again.redactFile(t.path(), t.content()).equals(out)) {
                    failures.add(where + ": a second redactor with the same key wrote something else");
                }
                List<int[]> ranges = replacedRanges(r, t.content(), out, where, failures);
                for (PlantedCorpus.Occurrence o : t.occurrences()) {
                    checked++;
                    String line = "line " + lineOf(t.content(), o.start());
                    for (String piece : pieces(o)) {
                        if (out.contains(piece)) {
                            failures.add(where + " " + line + ": survived: " + abbreviate(piece));
                        }
                    }
                    String joined = o.joined();
                    String rest = t.content().replace(o.value(), "");
                    if (joined.length() >= 16) {
                        for (int i = 0; i + 12 <= joined.length(); i++) {
                            String w = joined.substring(i, i + 12);
                            if (out.contains(w) && !rest.contains(w) && !w.isBlank()) {
                                failures.add(where + " " + line + ": a piece survived: " + w);
                                break;
                            }
                        }
                    }
                    for (int[] line2 : lineRanges(t.content(), o)) {
                        if (ranges.stream().noneMatch(x -> x[0] == line2[0] && x[1] == line2[1])) {
                            failures.add(where + " " + line + ": not replaced exactly: " + describe(t.content(), line2, ranges, out));
                        }
                    }
                    if (!o.multiLine()) {
                        String ph = placeholderAt(r, t.content(), out, o.start());
                        String before = placeholderOf.putIfAbsent(joined, ph);
                        if (before != null && ph != null && !before.equals(ph)) {
                            failures.add(where + " " + line + ": one secret, two placeholders: " + before + " and " + ph);
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(150);
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
    }

    /** The line pieces of an occurrence that must not survive (the whole value if on one line). */
    private static List<String> pieces(PlantedCorpus.Occurrence o) {
        List<String> p = new ArrayList<>();
        for (String l : o.value().split("\r?\n")) {
            String s = l.strip();
            if (s.length() >= 6) {
                p.add(s);
            }
        }
        if (o.multiLine() && o.joined().length() >= 6) {
            p.add(o.joined());
        }
        return p;
    }

    /** Each line of the occurrence without its indentation: what one placeholder must cover exactly. */
    private static List<int[]> lineRanges(String text, PlantedCorpus.Occurrence o) {
        List<int[]> out = new ArrayList<>();
        int a = o.start();
        while (a < o.end()) {
            int b = text.indexOf('\n', a);
            b = b < 0 || b > o.end() ? o.end() : b;
            int s = a;
            int e = b;
            while (s < e && Character.isWhitespace(text.charAt(s))) {
                s++;
            }
            while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
                e--;
            }
            if (e > s) {
                out.add(new int[] {s, e});
            }
            a = b + 1;
        }
        return out;
    }

    /** Where each placeholder of {@code out} sits in {@code original}, found by restoring it. */
    static List<int[]> replacedRanges(Redactor r, String original, String out, String where, List<String> failures) {
        List<int[]> ranges = new ArrayList<>();
        Matcher m = Redactor.PLACEHOLDER.matcher(out);
        int outPos = 0;
        int pos = 0;
        StringBuilder rebuilt = new StringBuilder();
        while (m.find()) {
            pos += m.start() - outPos;
            rebuilt.append(out, outPos, m.start());
            String back = r.restore(m.group());
            ranges.add(new int[] {pos, pos + back.length()});
            rebuilt.append(back);
            pos += back.length();
            outPos = m.end();
        }
        rebuilt.append(out, outPos, out.length());
        if (!rebuilt.toString().equals(original)) {
            failures.add(where + ": restore() does not give back the original text");
        }
        return ranges;
    }

    private static String placeholderAt(Redactor r, String original, String out, int at) {
        Matcher m = Redactor.PLACEHOLDER.matcher(out);
        int outPos = 0;
        int pos = 0;
        while (m.find()) {
            pos += m.start() - outPos;
            int len = r.restore(m.group()).length();
            if (pos == at) {
                return m.group();
            }
            pos += len;
            outPos = m.end();
        }
        return null;
    }

    private static String describe(String text, int[] want, List<int[]> ranges, String out) {
        String line = text.substring(text.lastIndexOf('\n', want[0]) + 1, Math.max(want[0], text.indexOf('\n', want[0]) < 0 ? text.length() : text.indexOf('\n', want[0])));
        List<String> near = new ArrayList<>();
        for (int[] x : ranges) {
            if (x[1] > want[0] - 40 && x[0] < want[1] + 40) {
                near.add("[" + (x[0] - want[0]) + "," + (x[1] - want[0]) + ")");
            }
        }
        return "want [0," + (want[1] - want[0]) + ") of '" + abbreviate(text.substring(want[0], want[1])) + "', placeholders at " + near
                + " in: " + abbreviate(line);
    }

    private static int lineOf(String t, int at) {
        int n = 1;
        for (int i = t.indexOf('\n'); i >= 0 && i < at; i = t.indexOf('\n', i + 1)) {
            n++;
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 90 ? s : s.substring(0, 60) + "…" + s.substring(s.length() - 20);
    }

    @Test
    void every_context_collects_or_redacts_without_a_workspace_too() {
        // texts seen without the workspace's known values (a redactor built from the environment only) still
        // lose every secret that a rule recognises in place; reported, not asserted: the known-value layer is
        // what makes the rest go
        Map<String, Integer> survived = new LinkedHashMap<>();
        int total = 0;
        for (PlantedCorpus.Context c : corpus) {
            Redactor r = Redactor.create(Secrets.KEY, c.env());
            int n = 0;
            for (PlantedCorpus.Text t : c.texts()) {
                String out = r.redactFile(t.path(), t.content());
                for (PlantedCorpus.Occurrence o : t.occurrences()) {
                    total++;
                    if (pieces(o).stream().anyMatch(out::contains)) {
                        n++;
                    }
                }
            }
            if (n > 0) {
                survived.put(c.name(), n);
            }
        }
        System.out.println("without the workspace's known values: " + survived.values().stream().mapToInt(i -> i).sum() + " of "
                + total + " occurrences survive " + survived);
        assertThat(total).isGreaterThan(150);
    }
}
