package dev.engine.watch;

import java.io.OutputStream;

/**
 * Keeps the last {@code capacity} bytes written to it. A check's output is only wanted when the
 * check fails, and then only its end; a chatty check run every few seconds must not grow memory.
 * Written by the process output pump, read after the command ended, hence synchronized.
 */
final class TailBuffer extends OutputStream {
    private final byte[] ring;
    private long written;

    TailBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    @Override
    public synchronized void write(int b) {
        ring[(int) (written % ring.length)] = (byte) b;
        written++;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }

    /** Whether earlier output was dropped to stay within capacity. */
    synchronized boolean truncated() {
        return written > ring.length;
    }

    synchronized byte[] bytes() {
        int n = (int) Math.min(written, ring.length);
        byte[] out = new byte[n];
        int start = (int) ((written - n) % ring.length);
        for (int i = 0; i < n; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return out;
    }
}
