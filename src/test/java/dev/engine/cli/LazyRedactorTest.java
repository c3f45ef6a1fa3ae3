package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process's Redactor collects the workspace's known values (about a second on a large
 * workspace), so it is built only by a command that writes something for humans or sends it; a
 * command that only reads neither builds it nor creates the home's key.
 */
class LazyRedactorTest {
    @TempDir
    Path tmp;

    @Test
    void reading_commands_do_not_build_the_redactor_and_a_run_does() throws Exception {
        Home home = Home.create(tmp, """
                stages:
                  web:
                    command: "true"
                """);
        Path key = home.ws.resolve("state/redaction.key");
        for (String[] args : new String[][] {{"status"}, {"status", "--json"}, {"audit"}, {"validate"}, {"review", "list"}}) {
            Home.Result r = home.engine(args);
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.all()).isIn(0, 1);
            assertThat(key).as(String.join(" ", args) + " created the key").doesNotExist();
        }
        Home.Result run = home.engine("run", "web");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(key).exists();
        assertThat(Files.size(key)).isEqualTo(32);
    }
}
