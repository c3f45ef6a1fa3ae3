package dev.engine.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Everything the CLI prints passes through here, because much of it is hostile text: a model's
 * summary, stage and diagnostics output, file content in a diff. Control characters would let
 * that text drive the user's terminal: set the title (OSC 0), write the clipboard (OSC 52), plant
 * a link (OSC 8), clear or repaint the screen to forge the engine's own lines (CSI), or reverse
 * how a line reads (bidi overrides, as in Trojan Source). So it keeps printable text, '\n' and
 * '\t', and drops C0 and C1 controls, DEL, every ESC sequence with its payload, and the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
 *
 * <p>One sequence is kept: "\r" followed by "ESC [ 2 K" (return, erase the line), with which the
 * engine's progress line redraws itself; on its own it cannot hide or forge anything.
 *
 * <p>Bytes are read as UTF-8 (what the wrapping stream encodes, and what tools print) and the
 * cleaned text is printed to the target stream in the target's own encoding. State carries over
 * between writes, so a sequence split across two writes is still recognised.
 */
final class TerminalSafe extends OutputStream {
    private static final String PROGRESS_REDRAW = "\r\u001b[2K";

    private enum State { TEXT, ESC, ESC_INTERMEDIATE, CSI, STRING, STRING_ESC }

    private final PrintStream target;
    private State state = State.TEXT;
    private boolean crPending;
    private final StringBuilder params = new StringBuilder();
    private int utf8Need;
    private int utf8Min;
    private int codePoint;

    private TerminalSafe(PrintStream target) {
        this.target = target;
    }

    /** A stream that prints to {@code target} with control characters removed. */
    static PrintStream wrap(PrintStream target) {
        return new PrintStream(new TerminalSafe(target), true, StandardCharsets.UTF_8);
    }

    /** {@code text} as the wrapped stream would print it. */
    static String clean(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream sink = new PrintStream(bytes, true, StandardCharsets.UTF_8); PrintStream safe = wrap(sink)) {
            safe.print(text);
            safe.flush();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        StringBuilder out = new StringBuilder(4);
        accept(b & 0xff, out);
        emit(out);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        StringBuilder out = new StringBuilder(len);
        for (int i = off; i < off + len; i++) {
            accept(b[i] & 0xff, out);
        }
        emit(out);
    }

    @Override
    public void flush() {
        target.flush();
    }

    @Override
    public void close() {
        target.flush(); // the target belongs to the caller (System.out, a test's stream): never closed here
    }

    private void emit(StringBuilder out) {
        if (out.length() > 0) {
            target.print(out);
        }
    }

    /** UTF-8 decoding; malformed input becomes U+FFFD, never a control character. */
    private void accept(int b, StringBuilder out) {
        if (utf8Need > 0) {
            if ((b & 0xc0) == 0x80) {
                codePoint = codePoint << 6 | b & 0x3f;
                if (--utf8Need == 0) {
                    boolean valid = codePoint >= utf8Min && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
                    codePoint(valid ? codePoint : 0xfffd, out);
                }
                return;
            }
            utf8Need = 0;
            codePoint(0xfffd, out);
        }
        if (b < 0x80) {
            codePoint(b, out);
        } else if (b >= 0xc2 && b <= 0xdf) {
            start(1, b & 0x1f, 0x80);
        } else if (b >= 0xe0 && b <= 0xef) {
            start(2, b & 0x0f, 0x800);
        } else if (b >= 0xf0 && b <= 0xf4) {
            start(3, b & 0x07, 0x10000);
        } else {
            codePoint(0xfffd, out);
        }
    }

    private void start(int need, int bits, int min) {
        utf8Need = need;
        codePoint = bits;
        utf8Min = min; // an overlong form (e.g. ESC in two bytes) is malformed, not the character
    }

    private void codePoint(int cp, StringBuilder out) {
        switch (state) {
            case TEXT -> text(cp, out);
            case ESC -> {
                if (cp == '[') {
                    state = State.CSI;
                    params.setLength(0);
                    return; // a pending '\r' may still become the progress redraw
                }
                crPending = false;
                if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' || cp == '_') {
                    state = State.STRING; // OSC, DCS, SOS, PM, APC: a payload up to BEL or ST
                } else if (cp >= 0x20 && cp <= 0x2f) {
                    state = State.ESC_INTERMEDIATE;
                } else if (cp >= 0x30 && cp <= 0x7e) {
                    state = State.TEXT;
                } else if (cp != 0x1b) {
                    state = State.TEXT;
                    text(cp, out);
                }
            }
            case ESC_INTERMEDIATE -> {
                if (cp >= 0x30 && cp <= 0x7e) {
                    state = State.TEXT;
                } else if (cp < 0x20 || cp > 0x2f) {
                    state = State.TEXT;
                    text(cp, out);
                }
            }
            case CSI -> {
                if (cp >= 0x20 && cp <= 0x3f) {
                    if (params.length() < 32) {
                        params.append((char) cp);
                    }
                } else if (cp >= 0x40 && cp <= 0x7e) {
                    if (crPending && cp == 'K' && params.toString().equals("2")) {
                        out.append(PROGRESS_REDRAW);
                    }
                    crPending = false;
                    state = State.TEXT;
                } else {
                    crPending = false;
                    state = State.TEXT;
                    text(cp, out);
                }
            }
            case STRING -> {
                if (cp == 0x07 || cp == 0x9c) {
                    state = State.TEXT;
                } else if (cp == 0x1b) {
                    state = State.STRING_ESC;
                } else if (cp == '\n') {
                    // An unterminated payload must not swallow the lines after it (the engine's own among them).
                    state = State.TEXT;
                    text(cp, out);
                }
            }
            case STRING_ESC -> {
                state = cp == '\\' ? State.TEXT : State.ESC;
                if (state == State.ESC) {
                    codePoint(cp, out);
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void text(int cp, StringBuilder out) {
        boolean cr = crPending;
        crPending = false;
        if (cp == 0x1b) {
            state = State.ESC;
            crPending = cr;
        } else if (cp == 0x9b) {
            state = State.CSI; // C1 CSI, what some terminals take ESC [ for
            params.setLength(0);
        } else if (cp == 0x9d || cp == 0x90 || cp == 0x98 || cp == 0x9e || cp == 0x9f) {
            state = State.STRING; // C1 OSC, DCS, SOS, PM, APC
        } else if (cp == '\r') {
            crPending = true; // kept only as the start of the progress redraw
        } else if (cp == '\n' || cp == '\t') {
            out.append((char) cp);
        } else if (cp < 0x20 || cp == 0x7f || cp >= 0x80 && cp <= 0x9f
                || cp >= 0x202a && cp <= 0x202e || cp >= 0x2066 && cp <= 0x2069) {
            return;
        } else {
            out.appendCodePoint(cp);
        }
    }
}
