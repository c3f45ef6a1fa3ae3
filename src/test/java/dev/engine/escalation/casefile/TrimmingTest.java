package dev.engine.escalation.casefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.engine.config.StageSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What gives way when the case file does not fit, and that it never exceeds the budget. */
class TrimmingTest {
    private static final TokenCounter COUNTER = TokenCounter.o200k();
    private static final String NAMED = "cluster/talos/controlplane.yaml";
    private static final String OTHER = "cluster/talos/worker.yaml";

    @TempDir Path root;

    private static StageSpec stage(List<String> files) {
        return Homelab.stage("talos", "Talos Kubernetes bootstrap", files, List.of("talos", "proxmox"),
                List.of("Nodes boot"), List.of("talosctl --nodes ${CTRL_IP} health"));
    }

    private CaseFile build(int budget, StageSpec stage, String log) throws Exception {
        CaseInput in = Homelab.input(stage, log, Homelab.memo(), Homelab.contextMap().sectionKeywords(), root);
        CaseFile cf = new CaseFileBuilder(COUNTER, budget, Homelab.REDACT).build(in);
        assertThat(cf.tokens()).as("budget %d", budget).isLessThanOrEqualTo(budget).isEqualTo(COUNTER.count(cf.text()));
        assertThat(cf.text()).endsWith(CaseFileBuilder.responseContract());
        return cf;
    }

    private static String numbered(int n, String prefix) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) sb.append(prefix).append(i).append(": value-").append(i * 7).append(" # setting ").append(i).append('\n');
        return sb.toString();
    }

    @Test
    void memoGivesWayFirstThenFilesTheLogDoesNotNameThenTheNamedOnes() throws Exception {
        Homelab.write(root, NAMED, numbered(150, "cp_key_"));
        Homelab.write(root, OTHER, numbered(150, "worker_key_"));
        StageSpec stage = stage(List.of(NAMED, OTHER));
        String log = "+ talosctl apply-config --file " + NAMED + "\nerror: " + NAMED + ":75: unknown key\n";
        CaseFile full = build(200_000, stage, log);
        assertThat(full.notes()).noneMatch(n -> n.contains("token budget"));

        // a little short: only memo sections are trimmed
        CaseFile a = build(full.tokens() - 60, stage, log);
        assertThat(a.notes()).filteredOn(n -> n.contains("token budget")).isNotEmpty()
                .allMatch(n -> n.startsWith("memo section"));
        assertThat(a.text()).contains("### `" + OTHER + "`\nWhole file, 150 lines.", "### `" + NAMED + "` (named in the log)\nWhole file, 150 lines.");

        // short by more than the memo: the file the log does not name is cut, the named one stays whole
        int memo = COUNTER.count(Homelab.memo());
        CaseFile b = build(full.tokens() - memo - 800, stage, log);
        assertThat(b.text()).contains("### `" + NAMED + "` (named in the log)\nWhole file, 150 lines.");
        assertThat(b.notes()).anyMatch(n -> n.startsWith("file " + OTHER + ":"));
        assertThat(b.notes()).noneMatch(n -> n.startsWith("file " + NAMED + ":"));
        assertThat(b.text()).contains("error: " + NAMED + ":75: unknown key"); // log whole

        // shorter still: the named file is cut around the line the log cites, with its line numbers
        CaseFile c = build(2_400, stage, log);
        assertThat(c.text()).contains("Excerpt: ").contains(" 75 | cp_key_75: value-525 # setting 75\n")
                .contains("… (").contains("lines omitted) …");
        assertThat(c.notes()).anyMatch(n -> n.startsWith("file " + NAMED + ": cut to") && n.contains("line 75 cited by the log"));
        // the other file got at most what room the named one could not use
        assertThat(c.notes()).anyMatch(n -> n.startsWith("file " + OTHER + ": left out")
                || n.startsWith("file " + OTHER + ": only its first"));
        assertThat(c.text()).contains("error: " + NAMED + ":75: unknown key");
    }

    @Test
    void excerptsOfALargeFileCenterOnCitedLinesAndErrorIdentifiers() throws Exception {
        Homelab.write(root, NAMED, Homelab.bigYaml("cp", 2000));
        StageSpec stage = stage(List.of(NAMED));
        String log = "loading " + NAMED + "\nerror: " + NAMED + ":1500: bad image\n"
                + "error: unknown field \"item_cp_01777\" in machine config\n";
        CaseFile cf = build(5_000, stage, log);
        List<String> lines = Homelab.lines(Homelab.bigYaml("cp", 2000));
        // numbers are padded to the widest line number, and the shown text is the file's own
        assertThat(cf.text()).contains("1500 | " + lines.get(1499) + "\n", "1777 | " + lines.get(1776) + "\n");
        assertThat(cf.text()).doesNotContain("   1 | " + lines.get(0));
        assertThat(cf.notes()).anyMatch(n -> n.contains("line 1500 cited by the log") && n.contains("'item_cp_01777'"));
        // the markers add up: shown lines plus omitted lines is the whole file
        String excerpt = cf.text().substring(cf.text().indexOf("### `" + NAMED));
        excerpt = excerpt.substring(0, excerpt.indexOf("## Log tail"));
        int shown = (int) excerpt.lines().filter(l -> l.matches("\\s*\\d+ \\| .*")).count();
        int omitted = excerpt.lines().filter(l -> l.startsWith("… (")).mapToInt(l -> Integer.parseInt(l.replaceAll("\\D", ""))).sum();
        assertThat(shown + omitted).isEqualTo(2000);
    }

    @Test
    void budgetHoldsForHugeInputsAtEverySize() throws Exception {
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String rel = "cluster/kubernetes/apps/app" + i + "/release.yaml";
            Homelab.write(root, rel, Homelab.bigYaml("app" + i, 2000));
            files.add(rel);
        }
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 400; i++) {
            log.append(i % 37 == 0 ? "error: reconcile failed for item_app7_0" + (1000 + i) : "info: reconciling helmrelease app" + (i % 20))
                    .append(" ").append("x".repeat(i % 5 == 0 ? 3000 : 20)).append('\n');
        }
        log.append("FINAL LINE: Kustomization apps failed\n");
        StringBuilder memo = new StringBuilder("# Memo\n\n");
        for (int s = 1; s <= 60; s++) {
            memo.append("## ").append(s).append(". Talos part ").append(s).append("\n\n");
            for (int l = 0; l < 40; l++) memo.append("Talos and Proxmox notes, line ").append(l).append(" of section ").append(s).append(".\n");
        }
        List<HistoryEntry> history = new ArrayList<>();
        for (int i = 0; i < 40; i++) history.add(new HistoryEntry("t" + i, "api", "tried " + "y".repeat(600), "failed"));
        List<DiagnosticOutput> diags = List.of(new DiagnosticOutput("kubectl get pods -A", 0, false, Homelab.bigYaml("pods", 3000)));
        StageSpec stage = stage(files);
        for (int budget : new int[] {2_600, 3_000, 4_000, 6_000, 9_000, 13_000, 20_000, 40_000}) {
            CaseInput in = new CaseInput(stage, "fp", 9, 1, 3, log.toString(), "logs/apps/a.log", history, memo.toString(),
                    Homelab.contextMap().sectionKeywords(), root, diags, List.of(new RefusedRequest("rm -rf /", "not allowed")), 2);
            CaseFile cf = new CaseFileBuilder(COUNTER, budget, Homelab.REDACT).build(in);
            assertThat(cf.tokens()).as("budget %d", budget).isLessThanOrEqualTo(budget).isEqualTo(COUNTER.count(cf.text()));
            assertThat(cf.text()).as("budget %d", budget).startsWith("# Case file v2: stage `talos`")
                    .endsWith(CaseFileBuilder.responseContract()).contains("- `rm -rf /`: not allowed");
            assertThat(cf.text()).as("budget %d", budget).contains("FINAL LINE: Kustomization apps failed");
            if (budget >= 6_000) assertThat(cf.filesIncluded()).as("budget %d", budget).isNotEmpty();
            assertThat(cf.notes()).as("budget %d", budget).isNotEmpty();
        }
    }

    @Test
    void aTinyBudgetShortensTheLogTailFromTheTopAndSaysSo() throws Exception {
        Homelab.write(root, NAMED, numbered(100, "k"));
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 300; i++) log.append("step ").append(i).append(": waiting for the Talos API on 192.168.10.50\n");
        log.append("error: talosctl health: timed out\n");
        StageSpec stage = stage(List.of(NAMED));
        CaseInput in = Homelab.input(stage, log.toString(), Homelab.memo(), Homelab.contextMap().sectionKeywords(), root);
        int minimum = org.junit.jupiter.api.Assertions.assertThrows(BudgetTooSmallException.class,
                () -> new CaseFileBuilder(COUNTER, 100, Homelab.REDACT).build(in)).minimum();
        CaseFile cf = build(minimum + 120, stage, log.toString());
        assertThat(cf.notes()).anyMatch(n -> n.startsWith("log tail shortened from the top to its last ") && n.endsWith("of 301 lines: the token budget has no room for more"));
        assertThat(cf.text()).contains("error: talosctl health: timed out").doesNotContain("step 1: waiting");
        assertThat(cf.filesIncluded()).isEmpty();
    }

    @Test
    void aBudgetBelowTheFixedPartsIsAClearError() throws Exception {
        StageSpec stage = stage(List.of());
        CaseInput in = Homelab.input(stage, "error: x\n", Homelab.memo(), Map.of(), root);
        assertThatThrownBy(() -> new CaseFileBuilder(COUNTER, 400, Homelab.REDACT).build(in))
                .isInstanceOfSatisfying(BudgetTooSmallException.class, e -> {
                    assertThat(e.budget()).isEqualTo(400);
                    assertThat(e.minimum()).isGreaterThan(400);
                    assertThat(e.getMessage()).contains("stage 'talos'", "raise the budget to at least " + e.minimum());
                });
        // and that minimum really is enough
        BudgetTooSmallException e = org.junit.jupiter.api.Assertions.assertThrows(BudgetTooSmallException.class,
                () -> new CaseFileBuilder(COUNTER, 400, Homelab.REDACT).build(in));
        CaseFile cf = new CaseFileBuilder(COUNTER, e.minimum(), Homelab.REDACT).build(in);
        assertThat(cf.tokens()).isLessThanOrEqualTo(e.minimum());
        assertThatThrownBy(() -> new CaseFileBuilder(COUNTER, 0, Homelab.REDACT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHugeLogDoesNotCrowdOutTheFilesItNames() throws Exception {
        Homelab.write(root, NAMED, numbered(60, "k"));
        StringBuilder log = new StringBuilder("error: " + NAMED + ":30: bad value\n");
        for (int i = 0; i < 3_000; i++) log.append("retrying connection to 192.168.10.50:50000, attempt ").append(i).append('\n');
        CaseFile cf = build(12_000, stage(List.of(NAMED)), log.toString());
        assertThat(cf.filesIncluded()).containsExactly(NAMED);
        assertThat(cf.text()).contains("Whole file, 60 lines.");
        // the earlier error line survives the cut, next to the last lines
        assertThat(cf.text()).contains("error: " + NAMED + ":30: bad value\n… (").contains("attempt 2999\n");
        assertThat(cf.notes()).anyMatch(n -> n.startsWith("log tail: kept the last ") && n.contains("1 earlier error lines"));
    }

    @Test
    void longLinesAreCutWithoutSplittingAPlaceholder() {
        String line = "a".repeat(1990) + "[REDACTED:token]" + "b".repeat(100);
        String cut = Md.cutLine(line, 2000);
        assertThat(cut).startsWith("a".repeat(1990) + " … (").doesNotContain("[REDACTED").endsWith("characters omitted)");
        assertThat(Md.cutLine("short", 2000)).isEqualTo("short");
    }
}
