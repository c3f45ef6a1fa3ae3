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

    Fingerprint fromLines(ReverseLines lines) throws IOException {
        List<String> newestFirst = new ArrayList<>();
        String newer = null;
        String raw;
        long rawBudget = Math.max((long) tailLines * RAW_LINES_PER_TAIL_LINE, MIN_RAW_LINES);
        while (newestFirst.size() < tailLines && rawBudget > 0 && (raw = lines.previous()) != null) {
            if (raw.isBlank()) {
                continue;
            }
            rawBudget--;
            String line = normalizer.normalize(raw);
            if (line.isEmpty() || line.equals(newer)) {
                continue;
            }
            newestFirst.add(line);
            newer = line;
        }
        Collections.reverse(newestFirst);
        return new Fingerprint(hash(newestFirst), newestFirst);
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
