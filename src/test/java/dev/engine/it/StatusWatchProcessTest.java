package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * `engine status -w` as a real process: it prints the table again when another engine changes the
 * state, and SIGINT (Ctrl-C) or SIGTERM ends it with exit 0 instead of killing the JVM mid-print.
 */
class StatusWatchProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    EngineWorkspace w;

    @BeforeEach
    void workspace() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  vms:
                    command: "true"
                """);
        w.commit();
    }

    @AfterEach
    void cleanUp() {
        w.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void a_state_change_is_printed_and_a_signal_ends_it_with_exit_0(String signal) {
        EngineProcess watch = w.start("status", "-w", "--interval", "200ms");
        Await.until(WAIT, "the first table", () -> watch.stdout().contains("STAGE"), watch::describe);
        assertThat(watch.stdout()).containsPattern("(?m)^vms +idle");

        EngineProcess run = w.runToEnd(WAIT, "run", "vms");
        assertThat(run.waitFor(WAIT)).as(run.describe()).isZero();
        Await.until(WAIT, "the table again, with vms green", () -> watch.stdout().matches("(?s).*\\nvms +green.*"), watch::describe);

        if (signal.equals("INT")) {
            watch.sigint();
        } else {
            watch.sigterm();
        }
        assertThat(watch.waitFor(WAIT)).as(watch.describe()).isZero();
        assertThat(watch.stderr()).contains("SIG" + signal + " received");
    }
}
