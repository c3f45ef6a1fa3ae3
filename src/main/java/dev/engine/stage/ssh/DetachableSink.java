package dev.engine.stage.ssh;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The stage log as JSch's session thread sees it. Once detached, late output from a channel
 * being torn down is dropped, so nothing lands after the engine's own trailer lines.
 */
final class DetachableSink extends OutputStream {
    private final OutputStream target;
    private boolean detached;

    DetachableSink(OutputStream target) {
        this.target = target;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (!detached) {
            target.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (!detached) {
            target.write(b, off, len);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (!detached) {
            target.flush();
        }
    }

    /** JSch is told not to close its streams; closing here only detaches, the log is the caller's. */
    @Override
    public void close() {
        detach();
    }

    synchronized void detach() {
        if (!detached) {
            try {
                target.flush();
            } catch (IOException e) {
                // the caller's next write to the log reports a broken log; nothing to add here
            }
            detached = true;
        }
    }
}
