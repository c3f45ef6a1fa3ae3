package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PidLineTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PidLine err = new PidLine(log, "tok-1");

    private void write(String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        err.write(b, 0, b.length);
    }

    @Test
    void takes_the_pid_line_out_even_when_it_arrives_in_pieces() throws Exception {
        write("tok-1:12");
        write("34\nreal ");
        write("error\n");
        err.finish();

        assertThat(err.pid()).hasValue(1234);
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("real error\n");
    }

    @Test
    void passes_a_first_line_that_is_not_the_pid_line_through() throws Exception {
        write("fish: $$ is not the pid\nmore\n");

        assertThat(err.pid()).isEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("fish: $$ is not the pid\nmore\n");
    }

    @Test
    void a_spoofed_pid_line_without_the_token_does_not_count() throws Exception {
        write("tok-2:99\n");

        assertThat(err.pid()).isEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("tok-2:99\n");
    }

    @Test
    void a_long_first_line_is_passed_through_without_waiting_for_its_end() throws Exception {
        write("x".repeat(200));

        assertThat(log.size()).isEqualTo(200);
    }

    @Test
    void output_without_a_newline_reaches_the_log_when_the_command_ends() throws Exception {
        write("partial");
        err.finish();

        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("partial");
    }
}
