package dev.engine.stage.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote command's stderr on its way into the log. Its first line, written by the line the
 * engine puts before the command, carries the remote shell's pid behind a per-run token; that
 * line is taken out and the pid kept, everything else passes through unchanged.
 */
final class PidLine extends OutputStream {
    /** A first line longer than this is the command's own output, not the pid line. */
    private static final int MAX_HEAD = 128;

    private final OutputStream next;
    private final Pattern line;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private boolean passing;
    private volatile long pid = -1;

    PidLine(OutputStream next, String token) {
        this.next = next;
        this.line = Pattern.compile(Pattern.quote(token) + ":(\\d{1,10})");
    }

    /** The shell command that writes the pid line, to go before the stage command. */
    static String announce(String token) {
        return "printf '%s\\n' \"" + token + ":$$\" >&2\n";
    }

    OptionalLong pid() {
        long p = pid;
        return p > 0 ? OptionalLong.of(p) : OptionalLong.empty();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (passing) {
            next.write(b, off, len);
            return;
        }
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                head.write(b, off, i - off);
                decide(true);
                next.write(b, i + 1, off + len - i - 1);
                return;
            }
        }
        head.write(b, off, len);
        if (head.size() > MAX_HEAD) {
            decide(false);
        }
    }

    private void decide(boolean endOfLine) throws IOException {
        passing = true;
        Matcher m = line.matcher(head.toString(StandardCharsets.UTF_8));
        if (endOfLine && m.matches()) {
            pid = Long.parseLong(m.group(1));
        } else {
            next.write(head.toByteArray());
            if (endOfLine) {
                next.write('\n');
            }
        }
        head.reset();
    }

    @Override
    public synchronized void flush() throws IOException {
        next.flush();
    }

    /** A command that wrote less than a line to stderr and ended still gets it into the log. */
    synchronized void finish() throws IOException {
        if (!passing && head.size() > 0) {
            decide(false);
        }
    }
}
