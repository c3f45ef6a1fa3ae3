package dev.engine.fingerprint;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The real-failure corpus under {@code src/test/resources/fingerprint/real/<kind>/run<N>.log}:
 * failure output of Talos, Flux, Cilium, Longhorn, Kubernetes, Proxmox, Helm, cert-manager and
 * cloudflared as public issue threads show it, each kind in several runs that differ the way
 * real runs do. Each file starts with {@code #|} header lines naming the kind and its sources;
 * the header is not part of the log and is stripped before fingerprinting.
 *
 * <p>{@link #main} prints the corpus size and the grouping/separation figures (bench/run.sh).
 */
final class RealFailureCorpus {

    static final String ROOT = "/fingerprint/real";
    private static final String HEADER = "#|";

    /** One run of one failure kind: the log text without its header, and the sources it names. */
    record Run(String kind, String name, String text, List<String> sources) {
    }

    /**
     * How well a fingerprinter groups runs of one kind and separates different kinds.
     *
     * @param kindsWhole kinds whose runs all share one fingerprint
     * @param problems one line per pair that was split or merged
     */
    record Figures(int kinds, int runs, int sources, int samePairs, int grouped, int distinctPairs, int separated,
                   int kindsWhole, List<String> problems) {

        String summary() {
            return String.format("%d kinds x %d runs (%d logs, %d distinct sources); kinds with one fingerprint: %d/%d;"
                            + " same-kind pairs grouped: %d/%d (%.1f %%); different-kind pairs separated: %d/%d (%.2f %%)",
                    kinds, runs / Math.max(kinds, 1), runs, sources, kindsWhole, kinds, grouped, samePairs,
                    percent(grouped, samePairs), separated, distinctPairs, percent(separated, distinctPairs));
        }

        private static double percent(int part, int whole) {
            return whole == 0 ? 100.0 : 100.0 * part / whole;
        }
    }

    private RealFailureCorpus() {
    }

    static List<Run> load() throws IOException {
        Path root;
        try {
            root = Path.of(RealFailureCorpus.class.getResource(ROOT).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<Run> runs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                runs.add(parse(file.getParent().getFileName().toString(), file.getFileName().toString(),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        return runs;
    }

    static Run parse(String kind, String name, String content) {
        List<String> sources = new ArrayList<>();
        int body = 0;
        while (content.startsWith(HEADER, body)) {
            int end = content.indexOf('\n', body);
            String line = content.substring(body + HEADER.length(), end < 0 ? content.length() : end).strip();
            if (line.startsWith("source:")) {
                sources.add(line.substring("source:".length()).strip().split("\\s+")[0]);
            }
            body = end < 0 ? content.length() : end + 1;
        }
        return new Run(kind, name, content.substring(body), List.copyOf(sources));
    }

    static Figures measure(List<Run> runs, Fingerprinter fingerprinter) {
        List<String> hashes = new ArrayList<>();
        runs.forEach(r -> hashes.add(fingerprinter.ofText(r.text()).hash()));
        int samePairs = 0;
        int grouped = 0;
        int distinctPairs = 0;
        int separated = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            for (int j = i + 1; j < runs.size(); j++) {
                boolean equal = hashes.get(i).equals(hashes.get(j));
                if (runs.get(i).kind().equals(runs.get(j).kind())) {
                    samePairs++;
                    if (equal) {
                        grouped++;
                    } else {
                        problems.add("split " + label(runs.get(i)) + " vs " + label(runs.get(j)));
                    }
                } else {
                    distinctPairs++;
                    if (!equal) {
                        separated++;
                    } else {
                        problems.add("merged " + label(runs.get(i)) + " with " + label(runs.get(j)));
                    }
                }
            }
        }
        Map<String, Set<String>> hashesByKind = new TreeMap<>();
        Set<String> sources = new TreeSet<>();
        for (int i = 0; i < runs.size(); i++) {
            hashesByKind.computeIfAbsent(runs.get(i).kind(), k -> new TreeSet<>()).add(hashes.get(i));
            sources.addAll(runs.get(i).sources());
        }
        int whole = (int) hashesByKind.values().stream().filter(s -> s.size() == 1).count();
        return new Figures(hashesByKind.size(), runs.size(), sources.size(), samePairs, grouped, distinctPairs, separated,
                whole, problems);
    }

    private static String label(Run r) {
        return r.kind() + "/" + r.name();
    }

    /** Prints the figures of the default fingerprinter; with {@code --explain}, every split or merge too. */
    public static void main(String[] args) {
        PrintStream out = System.out;
        try {
            List<Run> runs = load();
            Figures f = measure(runs, new Fingerprinter(Fingerprinter.DEFAULT_TAIL_LINES));
            out.println(f.summary());
            if (args.length > 0 && args[0].equals("--explain")) {
                f.problems().forEach(p -> out.println("  " + p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
