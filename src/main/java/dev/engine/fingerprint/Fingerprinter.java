package dev.engine.fingerprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Fingerprints the tail of a failed stage's log so that repeated occurrences of one failure
 * share a hash while different failures do not.
 *
 * <p>Lines are taken from the end, normalized, blank results skipped and consecutive duplicates
 * (single lines, and groups of up to {@value #MAX_REPEATED_BLOCK} lines repeated back to back)
 * collapsed <em>while</em> counting, until {@code tailLines} lines are collected. Collapsing
 * before counting (rather than after) means a failure retried 5 times and the same failure
 * retried 30 times fill the window with the same content instead of pushing different amounts
 * of earlier context into it.
 *
 * <p>The work is bounded twice: by bytes (the reader's cap) and by non-blank raw lines
 * normalized, at most {@value #RAW_LINES_PER_TAIL_LINE} per tail line and never fewer than
 * {@value #MIN_RAW_LINES}. Without the second bound a long retry loop,
 * whose lines all collapse into one, would make the engine normalize megabytes of identical
 * noise on every failure; with it, such a loop longer than the window fingerprints the same
 * however long it ran.
 */
public final class Fingerprinter {

    public static final int DEFAULT_TAIL_LINES = 100;
    private static final int HASH_HEX_CHARS = 12;
    static final int RAW_LINES_PER_TAIL_LINE = 10;
    static final int MIN_RAW_LINES = 1000;
    /** Longest group of lines a retry loop prints per round that is still collapsed as one. */
    static final int MAX_REPEATED_BLOCK = 8;

    private final int tailLines;
    private final TailReader reader;
    private final LogNormalizer normalizer;

    public Fingerprinter(int tailLines) {
        this(tailLines, new TailReader(), new LogNormalizer());
    }

    Fingerprinter(int tailLines, TailReader reader, LogNormalizer normalizer) {
        if (tailLines < 1) {
            throw new IllegalArgumentException("tailLines must be positive: " + tailLines);
        }
        this.tailLines = tailLines;
        this.reader = reader;
        this.normalizer = normalizer;
    }

    /** Reads only the end of the file, at most {@link TailReader#DEFAULT_MAX_BYTES}. */
    public Fingerprint of(Path log) throws IOException {
        try (ReverseLines lines = reader.open(log)) {
            return fromLines(lines);
        }
    }

    /** The same result as {@link #of(Path)} on a UTF-8 file holding {@code logText}. */
    public Fingerprint ofText(String logText) {
        try (ReverseLines lines = reader.open(logText.getBytes(StandardCharsets.UTF_8))) {
            return fromLines(lines);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory source cannot fail", e);
        }
    }

    /**
     * The fingerprint of the log and, for each line of its normalized tail, the newest raw line
     * it came from, how many raw lines collapsed into it and which tokens were normalized.
     */
    public Explanation explain(Path log) throws IOException {
        try (ReverseLines lines = reader.open(log)) {
            List<Entry> tail = tail(lines);
            List<ExplainedLine> explained = new ArrayList<>(tail.size());
            for (Entry e : tail) {
                explained.add(new ExplainedLine(e.normalized, e.seen, normalizer.explain(e.newestRaw)));
            }
            return new Explanation(fingerprint(tail), explained);
        }
    }

    Fingerprint fromLines(ReverseLines lines) throws IOException {
        return fingerprint(tail(lines));
    }

    private static Fingerprint fingerprint(List<Entry> tail) {
        List<String> normalized = new ArrayList<>(tail.size());
        tail.forEach(e -> normalized.add(e.normalized));
        return new Fingerprint(hash(normalized), normalized);
    }

    /** The collapsed tail, oldest first. */
    private List<Entry> tail(ReverseLines lines) throws IOException {
        CollapsingTail tail = new CollapsingTail();
        String raw;
        long rawBudget = Math.max((long) tailLines * RAW_LINES_PER_TAIL_LINE, MIN_RAW_LINES);
        while (tail.size() < tailLines && rawBudget > 0 && (raw = lines.previous()) != null) {
            if (raw.isBlank()) {
                continue;
            }
            rawBudget--;
            String line = normalizer.normalize(raw);
            if (!line.isEmpty()) {
                tail.addOlder(line, raw);
            }
        }
        return tail.oldestFirst();
    }

    /**
     * The tail being built from the newest line backwards, with repetition collapsed as it
     * grows: a line equal to the one after it, and a group of up to {@value #MAX_REPEATED_BLOCK}
     * lines equal to the group after it (a retry loop that prints "waiting for etcd: 1 error
     * occurred:" and then the error, once per round). Three rounds and four rounds leave the same
     * tail. Where such a run of rounds begins part-way through a round (the loop started there,
     * or `kubectl logs --tail` cut it), the part-round is dropped too, so the cut does not
     * matter either. A line that merely recurs after other lines is kept: that is not a loop.
     */
    static final class CollapsingTail {
        private final List<Entry> newestFirst = new ArrayList<>();
        /** Length of the group last collapsed, 0 when the older end is not inside a loop. */
        private int period;
        /** Size of the list right after that collapse; entries past it continue the loop's rounds. */
        private int loopEnd;

        int size() {
            return period > 0 ? loopEnd : newestFirst.size();
        }

        void addOlder(String normalized, String raw) {
            int n = newestFirst.size();
            if (n > 0 && newestFirst.get(n - 1).normalized.equals(normalized)) {
                newestFirst.get(n - 1).seen++;
                return;
            }
            if (period > 0 && !newestFirst.get(n - period).normalized.equals(normalized)) {
                dropPartRound();
            }
            newestFirst.add(new Entry(normalized, raw));
            collapseRepeatedGroup();
        }

        List<Entry> oldestFirst() {
            dropPartRound();
            List<Entry> out = new ArrayList<>(newestFirst);
            Collections.reverse(out);
            return out;
        }

        private void collapseRepeatedGroup() {
            int n = newestFirst.size();
            for (int k = 2; k <= MAX_REPEATED_BLOCK && 2 * k <= n; k++) {
                boolean repeated = true;
                for (int i = 0; i < k && repeated; i++) {
                    repeated = newestFirst.get(n - 1 - i).normalized.equals(newestFirst.get(n - 1 - k - i).normalized);
                }
                if (repeated) {
                    foldInto(n - k, n, k);
                    period = k;
                    loopEnd = n - k;
                    return;
                }
            }
        }

        /** Drops the lines that began another round of the loop without completing it. */
        private void dropPartRound() {
            if (period > 0) {
                foldInto(loopEnd, newestFirst.size(), period);
                period = 0;
            }
        }

        /** Removes entries [from, to), counting each as seen again in the entry {@code k} newer. */
        private void foldInto(int from, int to, int k) {
            for (int i = from; i < to; i++) {
                newestFirst.get(i - k).seen += newestFirst.get(i).seen;
            }
            newestFirst.subList(from, to).clear();
        }
    }

    /** One line of the tail being built; mutable only while {@link CollapsingTail} builds it. */
    static final class Entry {
        final String normalized;
        final String newestRaw;
        int seen = 1;

        Entry(String normalized, String newestRaw) {
            this.normalized = normalized;
            this.newestRaw = newestRaw;
        }
    }

    /**
     * One line of the normalized tail: {@code rawLines} raw lines collapsed into it, the newest
     * of them explained token by token.
     */
    public record ExplainedLine(String normalized, int rawLines, LogNormalizer.Explained newest) {
    }

    /** A fingerprint with the reasons for each of its lines, oldest first. */
    public record Explanation(Fingerprint fingerprint, List<ExplainedLine> lines) {
        public Explanation {
            lines = List.copyOf(lines);
        }
    }

    static String hash(List<String> tail) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", tail).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_HEX_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }
}
