package dev.engine.executor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps at most {@code cap} bytes of a command's output and says so once when it cuts (I9). */
final class CappedOutput extends OutputStream {
    private final OutputStream out;
    private final long cap;
    private long written;
    private boolean noted;

    CappedOutput(OutputStream out, long cap) {
        this.out = out;
        this.cap = cap;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        long room = cap - written;
        if (room > 0) {
            int n = (int) Math.min(room, len);
            out.write(b, off, n);
            written += n;
        }
        if (len > room && !noted) {
            noted = true;
            out.write(("\n[engine] output cut at " + cap + " bytes (executor_output_cap)\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
