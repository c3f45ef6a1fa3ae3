package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random edits of realistic files, diffed by real git, perturbed the way models get diffs wrong,
 * then applied by our applier, by {@code git apply --recount} and by GNU patch. Ours may refuse
 * but must never produce a result other than the intended edit.
 */
class PatchFuzzTest {
    // Overridable (-Dfuzz.seed=..., -Dfuzz.cases=...) to explore beyond the fixed regression run.
    private static final int CASES = Integer.getInteger("fuzz.cases", 600);
    private static final long SEED = Long.getLong("fuzz.seed", 20261122L);
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+(\\d+)(?:,(\\d+))? @@(.*)$");

    @TempDir Path tmp;

    /** One generated case: what the file is, what it should become, and the diff that says so. */
    private record Case(int id, String target, String intended, String diff, boolean whitespace, String perturbations) {}

    /** How one tool did on all cases. */
    private static final class Tally {
        int correct;
        int refused;
        int wrong;
        final List<String> wrongIds = new ArrayList<>();

        void count(int id, Optional<String> result, String intended) {
            if (result.isEmpty()) {
                refused++;
            } else if (result.get().equals(intended)) {
                correct++;
            } else {
                wrong++;
                if (wrongIds.size() < 10) wrongIds.add(String.valueOf(id));
            }
        }

        String summary() {
            return "correct " + correct + " refused " + refused + " wrong " + wrong;
        }
    }

    @Test
    void oursNeverAppliesWrongly() throws Exception {
        assumeTrue(onPath("git"), "git CLI not found");
        boolean havePatch = onPath("patch");
        Random rnd = new Random(SEED);
        FuzzCorpus corpus = new FuzzCorpus(rnd);

        List<List<String>> originals = new ArrayList<>();
        List<List<String>> edits = new ArrayList<>();
        List<String> styles = new ArrayList<>();
        for (int k = 0; k < CASES; k++) {
            List<String> orig = corpus.file();
            originals.add(orig);
            edits.add(corpus.edit(orig));
            styles.add((rnd.nextInt(7) == 0 ? "crlf" : "lf") + (rnd.nextInt(7) == 0 ? "-nonl" : ""));
        }
        Map<Integer, String> hunks = gitDiffHunks(originals, edits, styles);

        List<Case> cases = new ArrayList<>();
        Map<String, Integer> perturbationCounts = new HashMap<>();
        for (int k = 0; k < CASES; k++) {
            String style = styles.get(k);
            List<String> extra = new ArrayList<>();
            StringBuilder kinds = new StringBuilder();
            if (rnd.nextInt(5) < 2) {
                kinds.append("above,");
                int n = 1 + rnd.nextInt(20);
                if (rnd.nextBoolean()) {
                    // a copy of part of the file: the same context now appears twice
                    int from = rnd.nextInt(originals.get(k).size());
                    extra.addAll(originals.get(k).subList(from, Math.min(originals.get(k).size(), from + n)));
                } else {
                    for (int j = 0; j < n; j++) extra.add(corpus.newLine());
                }
            }
            String target = render(concat(extra, originals.get(k)), style);
            String intended = render(concat(extra, edits.get(k)), style);
            String body = hunks.get(k);
            assertThat(body).as("git diff output for case %d", k).isNotNull();
            boolean ws = false;
            if (rnd.nextInt(3) == 0) { body = shiftHeaders(body, rnd); kinds.append("shift,"); }
            if (rnd.nextInt(4) == 0) { body = dropCounts(body); kinds.append("nocounts,"); }
            if (rnd.nextInt(6) == 0) { body = wrongCounts(body, rnd); kinds.append("wrongcounts,"); }
            if (rnd.nextInt(3) == 0) { body = whitespace(body, rnd); ws = true; kinds.append("ws,"); }
            if (rnd.nextInt(4) == 0 && body.contains("\n \n")) {
                // models drop the lone space of an empty context line
                body = body.replace("\n \n", "\n\n").replace("\n \r\n", "\n\r\n");
                kinds.append("blankctx,");
            }
            if (style.startsWith("crlf") && rnd.nextBoolean()) { body = body.replace("\r", ""); kinds.append("lfdiff,"); }
            for (String kind : kinds.toString().split(",")) if (!kind.isEmpty()) perturbationCounts.merge(kind, 1, Integer::sum);
            String diff = "diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n" + body;
            cases.add(new Case(k, target, intended, diff, ws, kinds.toString()));
        }

        Tally ours = new Tally();
        Map<Integer, Optional<String>> oursResults = new HashMap<>();
        PatchApplier applier = new PatchApplier();
        int ambiguous = 0;
        for (Case c : cases) {
            Optional<String> result = Optional.empty();
            try {
                List<FilePatch> files = UnifiedDiffParser.parse(c.diff());
                assertThat(files).hasSize(1);
                ApplyResult r = applier.apply(files.get(0), Optional.of(c.target()));
                if (r instanceof ApplyResult.Applied a) result = Optional.of(a.newText());
                if (r instanceof ApplyResult.Refused f && f.reason().contains("ambiguous")) ambiguous++;
            } catch (PatchFormatException e) {
                // a refusal
            }
            ours.count(c.id(), result, c.intended());
            oursResults.put(c.id(), result);
        }

        long t0 = System.nanoTime();
        Map<Integer, List<Optional<String>>> external = runExternal(cases, havePatch);
        long externalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Tally git = new Tally();
        Tally patch = new Tally();
        int gitRight = 0;
        int identical = 0;
        for (Case c : cases) {
            git.count(c.id(), external.get(c.id()).get(0), c.intended());
            // git can be wrong too (it takes the match nearest the hint); compare where it was right.
            if (external.get(c.id()).get(0).equals(Optional.of(c.intended()))) {
                gitRight++;
                if (external.get(c.id()).get(0).equals(oursResults.get(c.id()))) identical++;
            }
            if (havePatch) patch.count(c.id(), external.get(c.id()).get(1), c.intended());
        }

        String summary = "fuzz: " + CASES + " cases (seed " + SEED + ", perturbations " + perturbationCounts + "); ours "
                + ours.summary() + " (ambiguous " + ambiguous + "); git apply --recount " + git.summary()
                + "; ours byte-identical to git on " + identical + " of the " + gitRight + " cases git got right"
                + "; patch " + (havePatch ? patch.summary() : "not installed")
                + (git.wrong + patch.wrong > 0 ? " (wrong git " + git.wrongIds + " patch " + patch.wrongIds + ")" : "")
                + "; external tools " + externalMs + " ms";
        System.out.println(summary);
        Path dir = Path.of(System.getProperty("buildDir", "target"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("fuzz-report.txt"), summary + "\n");

        assertThat(ours.wrong).as("cases applied wrongly by ours: %s", ours.wrongIds).isZero();
        // The harness must be doing something: most cases apply, and git agrees on plenty of them.
        assertThat(ours.correct).isGreaterThan(CASES / 2);
        assertThat(git.correct).isGreaterThan(CASES / 4);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String render(List<String> lines, String style) {
        String eol = style.startsWith("crlf") ? "\r\n" : "\n";
        String text = String.join(eol, lines) + eol;
        return style.endsWith("-nonl") ? text.substring(0, text.length() - eol.length()) : text;
    }

    /** Runs one `git diff --no-index` over two directories and returns each case's hunks. */
    private Map<Integer, String> gitDiffHunks(List<List<String>> originals, List<List<String>> edits, List<String> styles)
            throws IOException, InterruptedException {
        Path a = Files.createDirectories(tmp.resolve("orig"));
        Path b = Files.createDirectories(tmp.resolve("edit"));
        for (int k = 0; k < originals.size(); k++) {
            Files.writeString(a.resolve(name(k)), render(originals.get(k), styles.get(k)));
            Files.writeString(b.resolve(name(k)), render(edits.get(k), styles.get(k)));
        }
        Process p = new ProcessBuilder("git", "-c", "core.autocrlf=false", "-c", "diff.noprefix=false", "diff", "--no-index",
                "--no-color", "--no-ext-diff", "--no-renames", "-U3", "orig", "edit")
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<Integer, String> result = new HashMap<>();
        Pattern header = Pattern.compile("^diff --git a/orig/c(\\d+)\\.txt b/edit/c\\d+\\.txt$", Pattern.MULTILINE);
        Matcher m = header.matcher(out);
        List<int[]> starts = new ArrayList<>();
        while (m.find()) starts.add(new int[] {Integer.parseInt(m.group(1)), m.start()});
        for (int k = 0; k < starts.size(); k++) {
            int end = k + 1 < starts.size() ? starts.get(k + 1)[1] : out.length();
            String chunk = out.substring(starts.get(k)[1], end);
            result.put(starts.get(k)[0], chunk.substring(chunk.indexOf("\n@@") + 1));
        }
        return result;
    }

    private static String name(int k) { return String.format("c%04d.txt", k); }

    private static String mapHeaders(String body, java.util.function.Function<Matcher, String> f) {
        StringBuilder sb = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            Matcher m = HUNK.matcher(line);
            sb.append(m.matches() ? f.apply(m) : line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    private static String shiftHeaders(String body, Random rnd) {
        return mapHeaders(body, m -> {
            int d = rnd.nextInt(90) - 30;
            int o = Math.max(0, Integer.parseInt(m.group(1)) + d);
            int n = Math.max(0, Integer.parseInt(m.group(3)) + d);
            return "@@ -" + o + (m.group(2) == null ? "" : "," + m.group(2)) + " +" + n
                    + (m.group(4) == null ? "" : "," + m.group(4)) + " @@" + m.group(5);
        });
    }

    private static String dropCounts(String body) {
        return mapHeaders(body, m -> "@@ -" + m.group(1) + " +" + m.group(3) + " @@");
    }

    private static String wrongCounts(String body, Random rnd) {
        return mapHeaders(body, m -> "@@ -" + m.group(1) + "," + rnd.nextInt(12) + " +" + m.group(3) + "," + rnd.nextInt(12) + " @@");
    }

    /** Whitespace noise in context lines only, as a model retyping the file would make. */
    private static String whitespace(String body, Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            if (line.startsWith(" ") && rnd.nextBoolean()) {
                String text = line.substring(1);
                String cr = text.endsWith("\r") ? "\r" : "";
                text = text.substring(0, text.length() - cr.length());
                text = switch (rnd.nextInt(4)) {
                    case 0 -> text + "  ";
                    case 1 -> text.replaceFirst(" ", "   ");
                    case 2 -> text.startsWith(" ") ? text.substring(1) : " " + text;
                    default -> text.replaceFirst("^ {4}", "\t");
                };
                line = " " + text + cr;
            }
            sb.append(line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    /** git apply and GNU patch on every case, from one shell script to keep process start-up cheap. */
    private Map<Integer, List<Optional<String>>> runExternal(List<Case> cases, boolean havePatch) throws IOException, InterruptedException {
        Path work = Files.createDirectories(tmp.resolve("apply"));
        StringBuilder script = new StringBuilder("#!/bin/sh\nexport GIT_CEILING_DIRECTORIES=\"" + tmp + "\"\n");
        for (Case c : cases) {
            Path dir = Files.createDirectories(work.resolve(name(c.id()).replace(".txt", "")));
            Files.writeString(dir.resolve("patch.diff"), c.diff());
            Files.createDirectories(dir.resolve("git"));
            Files.writeString(dir.resolve("git/f.txt"), c.target());
            String d = "'" + dir + "'";
            script.append("cd ").append(d).append("/git && git -c core.autocrlf=false apply --recount ")
                    .append(c.whitespace() ? "--ignore-whitespace " : "").append("../patch.diff >/dev/null 2>&1; echo $? > ../git.rc\n");
            if (havePatch) {
                Files.createDirectories(dir.resolve("patch"));
                Files.writeString(dir.resolve("patch/f.txt"), c.target());
                script.append("cd ").append(d).append("/patch && patch -p1 --batch --forward --silent --no-backup-if-mismatch -r - ")
                        .append(c.whitespace() ? "-l " : "").append("-i ../patch.diff >/dev/null 2>&1; echo $? > ../patch.rc\n");
            }
        }
        Path sh = work.resolve("run.sh");
        Files.writeString(sh, script);
        Process p = new ProcessBuilder("sh", sh.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("external tools finished").isTrue();
        Map<Integer, List<Optional<String>>> out = new HashMap<>();
        for (Case c : cases) {
            Path dir = work.resolve(name(c.id()).replace(".txt", ""));
            out.put(c.id(), List.of(result(dir, "git"), havePatch ? result(dir, "patch") : Optional.empty()));
        }
        return out;
    }

    private static Optional<String> result(Path dir, String tool) throws IOException {
        Path rc = dir.resolve(tool + ".rc");
        if (!Files.exists(rc) || !Files.readString(rc).strip().equals("0")) return Optional.empty();
        Path f = dir.resolve(tool + "/f.txt");
        return Files.exists(f) ? Optional.of(Files.readString(f)) : Optional.empty();
    }

    private static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
