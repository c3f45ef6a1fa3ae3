package dev.engine.watch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Reads {@code state/audit.jsonl} incrementally: each {@link #poll} hands over only the whole lines
 * appended since the last one, so counting events costs what was appended, not the size of the
 * trail. The first poll reads the trail from its beginning once. A file that shrank was replaced
 * (rotated by hand): reading starts over at its beginning.
 */
public final class AuditTail {
    /** A longer line is no audit event the engine wrote; it is skipped rather than buffered. */
    private static final int MAX_LINE = 1 << 20;

    private final Path file;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long offset;
    private boolean skipping;

    public AuditTail(Path file) {
        this.file = file;
    }

    /** Skips what the trail holds now: the next {@link #poll} hands over only lines appended after this call. */
    public synchronized void skipToEnd() throws IOException {
        try {
            offset = Files.size(file);
        } catch (NoSuchFileException e) {
            offset = 0;
        }
        partial.reset();
        skipping = false;
    }

    public synchronized void poll(Consumer<String> lines) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return;
        }
        if (size < offset) {
            offset = 0;
            partial.reset();
            skipping = false;
        }
        if (size == offset) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.position(offset);
            while (true) {
                buffer.clear();
                int n = ch.read(buffer);
                if (n <= 0) {
                    break;
                }
                offset += n;
                byte[] bytes = buffer.array();
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    append(bytes, start, i - start);
                    if (!skipping) {
                        lines.accept(partial.toString(StandardCharsets.UTF_8));
                    }
                    partial.reset();
                    skipping = false;
                    start = i + 1;
                }
                append(bytes, start, n - start);
            }
        }
    }

    private void append(byte[] bytes, int from, int len) {
        if (skipping || len == 0) {
            return;
        }
        if (partial.size() + len > MAX_LINE) {
            skipping = true;
            partial.reset();
            return;
        }
        partial.write(bytes, from, len);
    }
}
