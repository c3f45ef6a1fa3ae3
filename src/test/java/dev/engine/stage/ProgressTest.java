package dev.engine.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a running stage shows: the redrawn progress line on a terminal, one plain start line elsewhere. */
class ProgressTest {
    private static final String STARTED = "talos: attempt 3 started, log logs/talos/talos_20261206-190947_attempt3.log";

    @Test
    void without_a_terminal_one_line_says_the_attempt_started_and_nothing_is_redrawn() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (AutoCloseable p = Progress.start(false, out, "talos", STARTED, () -> "waiting for etcd")) {
            assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(STARTED + System.lineSeparator());
            Thread.sleep(1_500); // past the first tick a terminal would get
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(STARTED + System.lineSeparator());
    }

    @Test
    void on_a_terminal_the_progress_line_is_drawn_as_before_and_the_start_line_is_not() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (AutoCloseable p = Progress.start(true, out, "talos", STARTED, () -> "waiting for etcd")) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!bytes.toString(StandardCharsets.UTF_8).contains("waiting for etcd") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(shown).startsWith("\r\u001b[2K  talos  0:0").contains("waiting for etcd").endsWith("\r\u001b[2K")
                .doesNotContain("started");
    }
}
