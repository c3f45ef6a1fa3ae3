package dev.engine.fingerprint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A cursor that yields the lines of a byte source from the last to the first, reading
 * backwards in chunks and never more than a fixed number of bytes in total.
 *
 * <p>Lines are split on {@code '\n'} only, at the byte level: that byte never occurs inside a
 * multi-byte UTF-8 sequence, so a chunk boundary inside a character cannot matter — a line is
 * decoded only once all its bytes are together. A trailing {@code '\r'} (CRLF) is dropped;
 * other {@code '\r'} (progress bars) are left for {@link LogNormalizer}. When the byte budget
 * runs out in the middle of a line, that partial line is returned as the first line: it is the
 * same for any file with the same suffix, so the fingerprint stays deterministic.
 */
public final class ReverseLines implements Closeable {

    private static final byte[] NO_BYTES = new byte[0];

    private final ByteSource source;
    private final int chunkBytes;
    private final long lowerBound;
    private final Deque<byte[]> carry = new ArrayDeque<>();
    private int carryLength;
    private long chunkStart;
    private byte[] chunk = NO_BYTES;
    private int unscanned;
    private long bytesRead;
    private boolean done;

    ReverseLines(ByteSource source, int chunkBytes, long maxBytes) throws IOException {
        this.source = source;
        this.chunkBytes = chunkBytes;
        long size = source.size();
        this.lowerBound = Math.max(0, size - maxBytes);
        this.chunkStart = size;
    }

    /** The line before the previously returned one, or {@code null} when there is none left. */
    public String previous() throws IOException {
        if (done) {
            return null;
        }
        while (true) {
            for (int i = unscanned - 1; i >= 0; i--) {
                if (chunk[i] == '\n') {
                    byte[] tail = Arrays.copyOfRange(chunk, i + 1, unscanned);
                    unscanned = i;
                    return emit(tail);
                }
            }
            if (unscanned > 0) {
                carry.addFirst(Arrays.copyOfRange(chunk, 0, unscanned));
                carryLength += unscanned;
                unscanned = 0;
            }
            if (chunkStart <= lowerBound) {
                done = true;
                return emit(NO_BYTES);
            }
            int len = (int) Math.min(chunkBytes, chunkStart - lowerBound);
            chunkStart -= len;
            if (chunk.length != len) {
                chunk = new byte[len];
            }
            source.readFully(chunkStart, chunk, len);
            bytesRead += len;
            unscanned = len;
        }
    }

    /** Bytes fetched from the source so far; never more than the reader's byte budget. */
    public long bytesRead() {
        return bytesRead;
    }

    /** True once reading stopped at the byte budget rather than at the start of the source. */
    public boolean truncated() {
        return done && lowerBound > 0;
    }

    private String emit(byte[] head) {
        byte[] line = head;
        if (carryLength > 0) {
            line = new byte[head.length + carryLength];
            System.arraycopy(head, 0, line, 0, head.length);
            int at = head.length;
            for (byte[] piece : carry) {
                System.arraycopy(piece, 0, line, at, piece.length);
                at += piece.length;
            }
            carry.clear();
            carryLength = 0;
        }
        int end = line.length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        // new String(...) replaces malformed input with U+FFFD: logs are not trusted to be UTF-8.
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
