package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without a terminal (a service's journal, CI), `run` says when each attempt starts and where its log goes. */
class AttemptStartLineTest {
    @TempDir
    Path tmp;

    @Test
    void each_attempt_announces_itself_with_the_log_the_finished_line_names() throws Exception {
        Home home = Home.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [stages/talos.sh]
                """);
        home.script("stages/talos.sh", "echo 'dial tcp 10.0.0.5:50000: connect: connection refused'\nexit 1");
        home.commit("stages");

        Home.Result r = home.engine("run", "talos");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        Matcher started = Pattern.compile("(?m)^talos: attempt (\\d+) started, log (logs/talos/\\S+\\.log)$").matcher(r.err());
        List<String> logs = new java.util.ArrayList<>();
        int expected = 1;
        while (started.find()) {
            assertThat(Integer.parseInt(started.group(1))).isEqualTo(expected++);
            logs.add(started.group(2));
        }
        assertThat(logs).as(r.all()).hasSize(3); // EXECUTOR_RETRY_THRESHOLD attempts, then give_up without a model
        for (int i = 0; i < logs.size(); i++) {
            assertThat(home.ws.resolve(logs.get(i))).isRegularFile();
            assertThat(Files.readString(home.ws.resolve(logs.get(i)))).contains("connection refused");
            assertThat(r.out()).contains("talos: attempt " + (i + 1) + " failed").contains("log " + logs.get(i));
        }
    }
}
