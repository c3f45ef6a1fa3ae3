package dev.engine.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus: groups of logs that are the same failure with different noise (hand-written
 * under {@code src/test/resources/fingerprint/corpus/<group>/}, plus generated ones), and the
 * real-failure corpus of {@link RealFailureCorpus}. Every group must collapse to one hash, and
 * no two groups may share one.
 */
class FingerprintCorpusTest {

    private static final int GENERATED_VARIANTS = 5;

    private final Fingerprinter fingerprinter = new Fingerprinter(Fingerprinter.DEFAULT_TAIL_LINES);

    @TempDir
    Path tmp;

    record Log(String group, String name, String text) {
    }

    static List<Log> corpus() throws IOException, URISyntaxException {
        List<Log> logs = new ArrayList<>();
        Path root = Path.of(FingerprintCorpusTest.class.getResource("/fingerprint/corpus").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                logs.add(new Log(file.getParent().getFileName().toString(), file.getFileName().toString(),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        for (Map.Entry<String, NoisyTemplate> e : GeneratedFailures.all().entrySet()) {
            for (int seed = 1; seed <= GENERATED_VARIANTS; seed++) {
                logs.add(new Log(e.getKey(), "seed-" + seed, e.getValue().render(e.getKey().hashCode() * 31L + seed)));
            }
        }
        return logs;
    }

    @Test
    void sameFailuresShareAHashAndDistinctFailuresDoNot() throws Exception {
        List<Log> logs = corpus();
        List<Fingerprint> prints = new ArrayList<>();
        for (Log log : logs) {
            prints.add(fingerprinter.ofText(log.text()));
        }
        int samePairs = 0;
        int sameGrouped = 0;
        int distinctPairs = 0;
        int distinctSeparated = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            for (int j = i + 1; j < logs.size(); j++) {
                boolean equal = prints.get(i).hash().equals(prints.get(j).hash());
                if (logs.get(i).group().equals(logs.get(j).group())) {
                    samePairs++;
                    if (equal) {
                        sameGrouped++;
                    } else {
                        problems.add("split " + describe(logs, prints, i) + " vs " + describe(logs, prints, j));
                    }
                } else {
                    distinctPairs++;
                    if (!equal) {
                        distinctSeparated++;
                    } else {
                        problems.add("merged " + describe(logs, prints, i) + " with " + describe(logs, prints, j));
                    }
                }
            }
        }
        Map<String, Integer> groups = new TreeMap<>();
        logs.forEach(l -> groups.merge(l.group(), 1, Integer::sum));
        System.out.printf("corpus: %d groups, %d logs; same-failure pairs grouped: %d/%d; distinct pairs separated: %d/%d%n",
                groups.size(), logs.size(), sameGrouped, samePairs, distinctSeparated, distinctPairs);

        assertThat(groups).hasSizeGreaterThanOrEqualTo(12);
        assertThat(groups.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        assertThat(problems).isEmpty();
    }

    @Test
    void readingTheFileGivesTheSameFingerprintAsTheText() throws Exception {
        for (Log log : corpus()) {
            Path file = tmp.resolve(log.group() + "-" + log.name());
            Files.writeString(file, log.text(), StandardCharsets.UTF_8);
            assertThat(fingerprinter.of(file)).as(file.toString()).isEqualTo(fingerprinter.ofText(log.text()));
        }
    }

    /** Issue 14, done when: 100 % grouping and separation on at least 40 real kinds x 3 runs. */
    @Test
    void realFailuresGroupByKindAndNoTwoKindsShareAFingerprint() throws Exception {
        List<RealFailureCorpus.Run> runs = RealFailureCorpus.load();
        Map<String, Integer> runsPerKind = new TreeMap<>();
        runs.forEach(r -> runsPerKind.merge(r.kind(), 1, Integer::sum));
        assertThat(runsPerKind).hasSizeGreaterThanOrEqualTo(40);
        assertThat(runsPerKind.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
        assertThat(runs).allSatisfy(r -> assertThat(r.sources()).as(r.kind() + "/" + r.name() + " names its source")
                .isNotEmpty().allSatisfy(url -> assertThat(url).startsWith("https://")));
        assertThat(runs).allSatisfy(r -> assertThat(r.text()).as(r.kind() + "/" + r.name() + " has no header left")
                .doesNotContain("#|"));

        RealFailureCorpus.Figures f = RealFailureCorpus.measure(runs, fingerprinter);
        System.out.println("real-failure corpus: " + f.summary());

        assertThat(f.problems()).isEmpty();
        assertThat(f.grouped()).isEqualTo(f.samePairs());
        assertThat(f.separated()).isEqualTo(f.distinctPairs());
        assertThat(f.kindsWhole()).isEqualTo(f.kinds());
    }

    /** A real kind must not merge with the hand-written or generated groups either. */
    @Test
    void realFailuresAndTheOtherGroupsStayApart() throws Exception {
        Map<String, String> otherHashes = new TreeMap<>();
        for (Log log : corpus()) {
            otherHashes.put(fingerprinter.ofText(log.text()).hash(), log.group() + "/" + log.name());
        }
        for (RealFailureCorpus.Run run : RealFailureCorpus.load()) {
            String hash = fingerprinter.ofText(run.text()).hash();
            assertThat(otherHashes).as(run.kind() + "/" + run.name()).doesNotContainKey(hash);
        }
    }

    @Test
    void realFailureFilesFingerprintLikeTheirText() throws Exception {
        for (RealFailureCorpus.Run run : RealFailureCorpus.load()) {
            Path file = tmp.resolve(run.kind() + "-" + run.name());
            Files.writeString(file, run.text(), StandardCharsets.UTF_8);
            assertThat(fingerprinter.of(file)).as(file.toString()).isEqualTo(fingerprinter.ofText(run.text()));
        }
    }

    private static String describe(List<Log> logs, List<Fingerprint> prints, int i) {
        return logs.get(i).group() + "/" + logs.get(i).name() + " " + prints.get(i);
    }
}
