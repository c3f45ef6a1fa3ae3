package dev.engine.escalation.diagnostics;

import java.io.ByteArrayOutputStream;

/** The merged output of all pipeline segments, keeping at most {@code cap} bytes. Thread-safe. */
final class CappedBuffer {
    private final int cap;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean truncated;

    CappedBuffer(int cap) {
        this.cap = cap;
    }

    /** Keeps what fits; false once the cap is reached, so the reader stops. */
    synchronized boolean write(byte[] b, int len) {
        int room = cap - bytes.size();
        if (len > room) {
            bytes.write(b, 0, Math.max(room, 0));
            truncated = true;
            return false;
        }
        bytes.write(b, 0, len);
        return true;
    }

    synchronized boolean truncated() {
        return truncated;
    }

    synchronized byte[] snapshot() {
        return bytes.toByteArray();
    }
}
