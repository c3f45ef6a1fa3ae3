package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.audit.AuditEvent;
import dev.engine.config.ConfigException;
import dev.engine.git.AiBranch;
import dev.engine.git.AiBranchException;
import dev.engine.git.PendingCommit;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code engine review} and {@code engine review list}: the AI commits waiting for a human, as a
 * table or, for scripts, as one JSON or YAML document.
 *
 * @param aiBranch the branch the commits are on
 * @param main the branch approval merges into
 * @param pending the engine's commits, oldest first
 * @param foreign commits on the AI branch the engine did not make (an error to resolve; never offered)
 */
record ReviewList(String aiBranch, String main, List<Entry> pending, List<Entry> foreign) {

    /** One commit; {@code greenAfter}: a green of its stage was recorded after it was made. */
    record Entry(String sha, String shortSha, String stage, String source, String fingerprint, String summary,
                 List<String> files, int added, int removed, String time, String patchFile, boolean greenAfter) {
        static Entry of(PendingCommit c, List<AuditEvent> greens) {
            boolean green = !c.foreign() && greens.stream()
                    .anyMatch(g -> c.stage().equals(g.stage()) && Instant.parse(g.time()).isAfter(c.time()));
            return new Entry(c.sha(), c.shortSha(), c.stage(), c.source(), c.fingerprint(), c.summary(), c.files(),
                    c.added(), c.removed(), c.time().toString(), c.patchFile(), green);
        }
    }

    /** Prints the list in the format {@code output} asks for; exit 1 when the branch holds commits the engine did not make. */
    static int print(EngineCommand root, OutputOptions output) throws ConfigException, IOException {
        OutputOptions.Format format = output.format();
        Session s = Sessions.open(root);
        PrintStream out = root.ctx.out();
        List<PendingCommit> pending;
        List<PendingCommit> foreign;
        ReviewList list;
        try (AiBranch ai = ReviewCommand.open(s)) {
            // Only the engine's own commits (with its trailers) are offered; anything else on the branch is an error to resolve.
            pending = ai.pending().stream().filter(c -> !c.foreign()).toList();
            foreign = ai.pending().stream().filter(PendingCommit::foreign).toList();
            List<AuditEvent> greens = pending.isEmpty() ? List.of()
                    : s.audit().read(Optional.empty(), 0).events().stream().filter(e -> e.event().equals("green")).toList();
            list = new ReviewList(ai.branchName(), ai.mainBranch(), pending.stream().map(c -> Entry.of(c, greens)).toList(),
                    foreign.stream().map(c -> Entry.of(c, greens)).toList());
        } catch (AiBranchException e) {
            return ReviewCommand.refused(root, e);
        }
        switch (format) {
            case JSON -> out.println(OutputOptions.json(list));
            case YAML -> out.print(OutputOptions.yaml(list));
            case WIDE -> list.wide(out, output.headers());
            default -> list.table(out, output.headers());
        }
        if (!foreign.isEmpty()) {
            root.ctx.err().println("engine: error: " + AiBranch.foreignCommits(list.aiBranch(),
                    foreign.stream().map(c -> c.shortSha() + " \"" + c.summary() + "\"").toList(),
                    foreign.stream().map(PendingCommit::shortSha).toList()));
            return 1;
        }
        return 0;
    }

    private void intro(PrintStream out) {
        if (pending.isEmpty()) {
            out.println("no AI commits waiting for review on " + aiBranch);
        } else {
            out.println(pending.size() + " AI commit(s) on " + aiBranch + " not in " + main + ", oldest first:");
        }
    }

    private void table(PrintStream out, boolean headers) {
        if (headers) {
            intro(out);
        }
        if (pending.isEmpty()) {
            return;
        }
        String fmt = "%-10s %-10s %-8s %-12s %9s  %-11s %s%n";
        if (headers) {
            out.printf(fmt, "COMMIT", "STAGE", "SOURCE", "FINGERPRINT", "+/-", "GREEN AFTER", "SUMMARY");
        }
        for (Entry c : pending) {
            out.printf(fmt, c.shortSha(), c.stage(), c.source(), dash(c.fingerprint()), "+" + c.added() + "/-" + c.removed(),
                    c.greenAfter() ? "yes" : "no", c.summary());
            if (headers) {
                out.println("           files: " + String.join(", ", c.files()));
            }
        }
    }

    /** The files and the commit time as columns instead of a line under each commit. */
    private void wide(PrintStream out, boolean headers) {
        if (headers) {
            intro(out);
        }
        if (pending.isEmpty()) {
            return;
        }
        String fmt = "%-10s %-10s %-8s %-12s %9s  %-11s %-20s %-40s %s%n";
        if (headers) {
            out.printf(fmt, "COMMIT", "STAGE", "SOURCE", "FINGERPRINT", "+/-", "GREEN AFTER", "TIME", "FILES", "SUMMARY");
        }
        for (Entry c : pending) {
            out.printf(fmt, c.shortSha(), c.stage(), c.source(), dash(c.fingerprint()), "+" + c.added() + "/-" + c.removed(),
                    c.greenAfter() ? "yes" : "no", c.time().replaceAll("\\.\\d+Z$", "Z"), String.join(",", c.files()), c.summary());
        }
    }

    private static String dash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
