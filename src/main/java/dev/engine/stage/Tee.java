package dev.engine.stage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Writes every byte to several streams (log file, progress tracker, console in verbose mode). */
final class Tee extends OutputStream {
    private final List<OutputStream> outs;

    Tee(List<OutputStream> outs) {
        this.outs = List.copyOf(outs);
    }

    @Override
    public void write(int b) throws IOException {
        for (OutputStream o : outs) {
            o.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (OutputStream o : outs) {
            o.write(b, off, len);
        }
    }

    @Override
    public void flush() throws IOException {
        for (OutputStream o : outs) {
            o.flush();
        }
    }
}
