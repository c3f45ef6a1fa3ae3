package dev.engine.fingerprint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens {@link ReverseLines} cursors with a fixed chunk size and byte budget. The budget is
 * what keeps fingerprinting a multi-gigabyte log (or one giant line without newline) as cheap
 * as a small one.
 */
public final class TailReader {

    public static final int DEFAULT_CHUNK_BYTES = 64 * 1024;
    public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;

    private final int chunkBytes;
    private final long maxBytes;

    public TailReader() {
        this(DEFAULT_CHUNK_BYTES, DEFAULT_MAX_BYTES);
    }

    public TailReader(int chunkBytes, long maxBytes) {
        if (chunkBytes < 1) {
            throw new IllegalArgumentException("chunkBytes must be positive: " + chunkBytes);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.chunkBytes = chunkBytes;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The caller closes the returned cursor, which closes the file. */
    public ReverseLines open(Path file) throws IOException {
        ByteSource source = ByteSource.open(file);
        try {
            return new ReverseLines(source, chunkBytes, maxBytes);
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    public ReverseLines open(byte[] bytes) {
        try {
            return new ReverseLines(ByteSource.of(bytes), chunkBytes, maxBytes);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory source cannot fail", e);
        }
    }
}
