package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.stage.Progress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI's output filter, attacked with a corpus of real terminal-escape payloads (src/test/resources/cli/terminal-escapes.txt). */
class TerminalSafeTest {

    /** Corpus lines as the bytes they stand for. */
    static List<byte[]> corpus() throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (InputStream in = TerminalSafeTest.class.getResourceAsStream("/cli/terminal-escapes.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) out.add(bytes(line));
            }
        }
        return out;
    }

    private static byte[] bytes(String line) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 >= line.length()) {
                b.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char e = line.charAt(++i);
            switch (e) {
                case 'e' -> b.write(0x1b);
                case 'a' -> b.write(0x07);
                case 'b' -> b.write(0x08);
                case 'r' -> b.write('\r');
                case 't' -> b.write('\t');
                case '0' -> b.write(0);
                case '\\' -> b.write('\\');
                case 'x' -> {
                    b.write(Integer.parseInt(line.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                case 'u' -> {
                    b.writeBytes(new String(Character.toChars(Integer.parseInt(line.substring(i + 1, i + 5), 16)))
                            .getBytes(StandardCharsets.UTF_8));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + line);
            }
        }
        return b.toByteArray();
    }

    private static String through(byte[]... writes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream safe = TerminalSafe.wrap(sink);
        for (byte[] w : writes) safe.write(w, 0, w.length);
        safe.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** No character a terminal acts on: C0 but \n and \t, DEL, C1, the bidi controls. */
    static void assertInert(String s) {
        s.codePoints().forEach(cp -> assertThat(cp == '\n' || cp == '\t' || cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f)
                && (cp < 0x202a || cp > 0x202e) && (cp < 0x2066 || cp > 0x2069))
                .as("U+%04X in %s", cp, s.replace("\u001b", "<ESC>")).isTrue());
    }

    @Test
    void every_payload_of_the_corpus_is_made_inert_and_the_text_around_it_survives() throws IOException {
        List<byte[]> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(50);
        for (byte[] payload : corpus) {
            byte[] before = "summary: ".getBytes(StandardCharsets.UTF_8);
            byte[] after = "\nnext line stays\n".getBytes(StandardCharsets.UTF_8);
            String out = through(before, payload, after);
            assertInert(out);
            assertThat(out).startsWith("summary: ").endsWith("\nnext line stays\n");
            // The same bytes split at every position (a sequence cut across two writes) give the same result.
            byte[] all = new byte[before.length + payload.length + after.length];
            System.arraycopy(before, 0, all, 0, before.length);
            System.arraycopy(payload, 0, all, before.length, payload.length);
            System.arraycopy(after, 0, all, before.length + payload.length, after.length);
            for (int cut = 1; cut < all.length; cut++) {
                byte[] a = java.util.Arrays.copyOfRange(all, 0, cut);
                byte[] b = java.util.Arrays.copyOfRange(all, cut, all.length);
                assertThat(through(a, b)).isEqualTo(out);
            }
        }
    }

    @Test
    void the_issue_12_summary_loses_its_controls_and_keeps_its_words() {
        String s = TerminalSafe.clean("fixed\u001b]0;pwned\u0007 the \u001b[2Jport \u202Eevil\u202C ok\tdone\n");
        assertThat(s).isEqualTo("fixed the port evil ok\tdone\n");
        assertThat(TerminalSafe.clean("caf\u00e9 \u2714 \u65e5\u672c \uD83D\uDE80")).isEqualTo("caf\u00e9 \u2714 \u65e5\u672c \uD83D\uDE80");
        assertThat(TerminalSafe.clean("line\r\n")).isEqualTo("line\n");
    }

    /** The engine's own progress line redraws with "\r ESC[2K"; that survives, the stage's output inside it does not. */
    @Test
    void the_progress_line_still_redraws_but_what_it_shows_is_cleaned() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream safe = TerminalSafe.wrap(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (AutoCloseable progress = Progress.start(true, safe, "talos", () -> "\u001b]0;pwned\u0007waiting \u001b[2Jfor etcd")) {
            Thread.sleep(1300);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\r\u001b[2K  talos  0:0").contains("waiting for etcd").endsWith("\r\u001b[2K");
        assertInert(out.replace("\r\u001b[2K", ""));
        assertThat(TerminalSafe.clean("\u001b[2K\rx\r\u001b[1K")).isEqualTo("x");
    }
}
