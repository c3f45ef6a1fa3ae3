package dev.engine.stage;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Remembers the last non-blank output line, for the progress display; keeps at most a few KiB. */
final class LineTracker extends OutputStream {
    private static final int MAX = 4096;
    private final byte[] current = new byte[MAX];
    private int length;
    private volatile String last = "";

    @Override
    public void write(int b) {
        if (b == '\n' || b == '\r') {
            String line = new String(current, 0, length, StandardCharsets.UTF_8).strip();
            if (!line.isEmpty()) {
                last = line;
            }
            length = 0;
        } else if (length < MAX) {
            current[length++] = (byte) b;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    String lastLine() {
        return last;
    }
}
