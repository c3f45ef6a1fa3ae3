package dev.engine.redact;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * Figures for bench/redaction-fp.sh: the planted corpus per context (secrets, occurrences,
 * survivors) and the time to redact 1 MiB of ordinary stage log. Nothing is asserted here.
 */
public final class RedactionBench {
    private RedactionBench() {}

    public static void main(String[] args) throws Exception {
        byte[] key = Secrets.filled(32, (byte) 7);
        int secrets = 0;
        int occurrences = 0;
        int survived = 0;
        Path tmp = Files.createTempDirectory("redaction-bench");
        try {
            System.out.println("context                       secrets  occurrences  survived");
            for (PlantedCorpus.Context c : PlantedCorpus.load()) {
                Path ws = c.writeWorkspace(tmp.resolve(c.name()));
                Redactor r = Redactor.create(key, KnownSecrets.collect(ws, c.env()));
                int left = 0;
                for (PlantedCorpus.Text t : c.texts()) {
                    String out = r.redactFile(t.path(), t.content());
                    for (PlantedCorpus.Occurrence o : t.occurrences()) {
                        if (out.contains(o.joined()) || o.value().lines().map(String::strip).anyMatch(l -> l.length() >= 6 && out.contains(l))) {
                            left++;
                        }
                    }
                }
                System.out.printf("%-28s %8d %12d %9d%n", c.name(), c.secrets().size(), c.occurrences(), left);
                secrets += c.secrets().size();
                occurrences += c.occurrences();
                survived += left;
            }
            System.out.printf("%-28s %8d %12d %9d%n", "total", secrets, occurrences, survived);
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        String log = RedactionThroughputTest.ordinaryLog(1 << 20, new Random(42));
        Redactor r = Redactor.create(key, Map.of("OPENAI_API_KEY", "sk-" + Secrets.random(40), "GITHUB_TOKEN", Secrets.random(40)));
        long best = Long.MAX_VALUE;
        long first = 0;
        for (int i = 0; i < 10; i++) {
            long t0 = System.nanoTime();
            r.redact(log);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            first = i == 0 ? ms : first;
            best = Math.min(best, ms);
        }
        System.out.printf("redact 1 MiB of ordinary stage log: first %d ms, best of 10 %d ms%n", first, best);
    }
}
