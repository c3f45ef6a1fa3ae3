package dev.engine.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailReaderTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void fiftyMegabyteLogIsFingerprintedFromItsLastChunksOnly() throws IOException {
        String failure = FingerprinterTest.numbered("stack frame", 120)
                + "Error: UPGRADE FAILED: another operation is in progress\n[engine] finished 2026-11-22T03:49:36Z exit=1 duration=1s\n";
        Path log = tmp.resolve("big.log");
        byte[] noise = FingerprinterTest.numbered("noise line", 100_000).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(log)) {
            for (long written = 0; written < 50 * MIB; written += noise.length) {
                out.write(noise);
            }
            out.write(failure.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.size(log)).isGreaterThan(50 * MIB);

        TailReader reader = new TailReader();
        Fingerprinter fingerprinter = new Fingerprinter(100, reader, new LogNormalizer());
        try (ReverseLines lines = reader.open(log)) {
            Fingerprint print = fingerprinter.fromLines(lines);
            assertThat(print).isEqualTo(new Fingerprinter(100).ofText(failure));
            assertThat(print).isEqualTo(new Fingerprinter(100).of(log));
            // The failure is a few KiB: one 64 KiB chunk holds it.
            assertThat(lines.bytesRead()).isEqualTo(TailReader.DEFAULT_CHUNK_BYTES);
        }
    }

    @Test
    void byteBudgetBoundsTheReadWhenTheTailHasNoContent() throws IOException {
        Path log = tmp.resolve("blank.log");
        byte[] newlines = new byte[(int) MIB];
        Arrays.fill(newlines, (byte) '\n');
        try (OutputStream out = Files.newOutputStream(log)) {
            out.write("Error: the only content, far beyond the budget\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 50; i++) {
                out.write(newlines);
            }
        }
        TailReader reader = new TailReader();
        Fingerprinter fingerprinter = new Fingerprinter(100, reader, new LogNormalizer());
        try (ReverseLines lines = reader.open(log)) {
            Fingerprint print = fingerprinter.fromLines(lines);
            assertThat(print.hash()).isEqualTo(Fingerprint.EMPTY_HASH);
            assertThat(lines.bytesRead()).isEqualTo(TailReader.DEFAULT_MAX_BYTES);
            assertThat(lines.truncated()).isTrue();
        }
    }

    @Test
    void tenMegabyteLineWithoutNewlineIsReadWithinTheBudget() throws IOException {
        Path log = tmp.resolve("one-line.log");
        byte[] block = "progress ".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(log)) {
            for (long written = 0; written < 10 * MIB; written += block.length) {
                out.write(block);
            }
        }
        TailReader reader = new TailReader();
        try (ReverseLines lines = reader.open(log)) {
            String line = lines.previous();
            assertThat(line).hasSize((int) TailReader.DEFAULT_MAX_BYTES);
            assertThat(lines.previous()).isNull();
            assertThat(lines.bytesRead()).isEqualTo(TailReader.DEFAULT_MAX_BYTES);
        }
        Fingerprint print = new Fingerprinter(100).of(log);
        assertThat(print.normalizedTail()).hasSize(1);
        assertThat(print.normalizedTail().get(0).length()).isLessThanOrEqualTo(LogNormalizer.MAX_LINE_CHARS);
        assertThat(print.normalizedTail().get(0)).contains("progress progress");
    }

    @Test
    void multiByteCharactersAcrossChunkBoundariesDecodeIntact() {
        String text = "héllo wörld ✓ 🚀 done\r\nzweite Zeile: ünïcödé ✗\nlast 🚀🚀";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 17; chunk++) {
            assertThat(allLines(new TailReader(chunk, MIB).open(bytes))).as("chunk %d", chunk)
                    .containsExactly("last 🚀🚀", "zweite Zeile: ünïcödé ✗", "héllo wörld ✓ 🚀 done");
        }
    }

    @Test
    void fingerprintDoesNotDependOnChunkSize() {
        String text = "á\n".repeat(50) + "Error: ✗ failed\n";
        Fingerprint expected = new Fingerprinter(10).ofText(text);
        for (int chunk : new int[] {1, 2, 3, 5, 64}) {
            Fingerprinter fingerprinter = new Fingerprinter(10, new TailReader(chunk, MIB), new LogNormalizer());
            assertThat(fingerprinter.ofText(text)).as("chunk %d", chunk).isEqualTo(expected);
        }
    }

    @Test
    void malformedUtf8IsReplacedNotFatal() {
        byte[] bytes = {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28, 'x', '\n'};
        assertThat(allLines(new TailReader(2, MIB).open(bytes))).containsExactly("", "\uFFFD(x", "ok");
    }

    @Test
    void budgetCutsTheFirstLineAndDropsEverythingBefore() {
        byte[] bytes = "aaaa\nbbbb\ncccc\n".getBytes(StandardCharsets.US_ASCII);
        ReverseLines lines = new TailReader(4, 7).open(bytes);
        assertThat(allLines(lines)).containsExactly("", "cccc", "b");
        assertThat(lines.bytesRead()).isEqualTo(7);
        assertThat(lines.truncated()).isTrue();
    }

    private static List<String> allLines(ReverseLines lines) {
        List<String> out = new ArrayList<>();
        try (lines) {
            for (String line; (line = lines.previous()) != null; ) {
                out.add(line);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }
}
