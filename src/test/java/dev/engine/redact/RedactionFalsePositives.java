package dev.engine.redact;

import java.util.List;

/**
 * Prints the false-positive figure of bench/redaction-fp.sh: the share of clean-corpus lines the
 * redactor changes (target at most 1 %), and with {@code --show} each changed line, redacted.
 */
public final class RedactionFalsePositives {
    private RedactionFalsePositives() {}

    public static void main(String[] args) throws Exception {
        boolean show = List.of(args).contains("--show");
        List<CleanCorpus.Doc> docs = CleanCorpus.load();
        long t0 = System.nanoTime();
        CleanCorpus.Result r = CleanCorpus.measure(docs, Secrets.filled(32, (byte) 7));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("clean corpus: %d files, %d lines (v2-homelab fixture %s)%n", r.files(), r.lines(),
                java.nio.file.Files.isDirectory(CleanCorpus.V2_HOMELAB) ? "included" : "absent, skipped");
        System.out.printf("lines changed by the redactor: %d = %.2f %% (target <= 1 %%), in %d ms with collection%n",
                r.changes().size(), 100.0 * r.share(), ms);
        if (show) {
            for (CleanCorpus.Change c : r.changes()) {
                System.out.printf("  %s:%d%n    - %s%n    + %s%n", c.path(), c.line(), c.before().strip(), c.after().strip());
            }
        }
    }
}
