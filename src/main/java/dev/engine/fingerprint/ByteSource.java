package dev.engine.fingerprint;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to bytes, so that files and in-memory text go through exactly the same
 * tail-reading code (which is what makes {@code ofText} and {@code of} agree).
 */
interface ByteSource extends Closeable {

    long size() throws IOException;

    /** Fills {@code dst[0, len)} with the bytes starting at {@code position}. */
    void readFully(long position, byte[] dst, int len) throws IOException;

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void readFully(long position, byte[] dst, int len) {
                System.arraycopy(bytes, Math.toIntExact(position), dst, 0, len);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    static ByteSource open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new ByteSource() {
            @Override
            public long size() throws IOException {
                return channel.size();
            }

            @Override
            public void readFully(long position, byte[] dst, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(dst, 0, len);
                long at = position;
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, at);
                    if (n < 0) {
                        // The file shrank under us (log rotated/truncated): treat as an I/O error
                        // rather than silently hashing a mixture of two files.
                        throw new EOFException("file shrank while reading its tail: " + file);
                    }
                    at += n;
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
