package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.engine.stage.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection-phase behaviour against a loopback port that accepts connections but never speaks SSH. */
class SshRunnerWithoutServerTest {
    @TempDir
    Path tmp;
    ServerSocket silent;
    final List<Socket> accepted = new ArrayList<>();
    final ExecutorService background = Executors.newCachedThreadPool();
    Path key;

    @BeforeEach
    void silentServer() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        background.submit(() -> {
            while (!silent.isClosed()) {
                try {
                    Socket s = silent.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                } catch (IOException closed) {
                    return null;
                }
            }
            return null;
        });
        // any key will do: the handshake never gets as far as authentication
        key = Files.writeString(tmp.resolve("id_unused"), "not read before the handshake\n");
    }

    @AfterEach
    void stop() throws Exception {
        silent.close();
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
        background.shutdownNow();
    }

    private SshTarget target() {
        return new SshTarget("root", "127.0.0.1", silent.getLocalPort());
    }

    @Test
    void a_server_that_never_answers_the_handshake_is_unreachable_after_the_connect_timeout() throws Exception {
        Path id = Sshd.keygen("ed25519", tmp.resolve("id"));
        SshOptions options = new SshOptions(tmp.resolve("known_hosts"), Optional.of(id), Duration.ofSeconds(1));

        SshException.Unreachable e = catchThrowableOfType(SshException.Unreachable.class, () -> new SshRunner(options)
                .run(target(), "true", new ByteArrayOutputStream(), Duration.ofMinutes(1), new Cancellation()));

        assertThat(e.getMessage()).startsWith("cannot reach " + target().address()).contains("no SSH answer within 1s");
    }

    @Test
    void a_stop_request_during_the_handshake_ends_the_attempt_without_waiting_for_the_connect_timeout() throws Exception {
        Path id = Sshd.keygen("ed25519", tmp.resolve("id"));
        SshOptions options = new SshOptions(tmp.resolve("known_hosts"), Optional.of(id), Duration.ofMinutes(5));
        Cancellation cancellation = new Cancellation();
        Future<SshResult> running = background.submit(() -> new SshRunner(options)
                .run(target(), "true", new ByteArrayOutputStream(), Duration.ofMinutes(10), cancellation));
        SshRunnerTest.awaitTrue("the connection", () -> {
            synchronized (accepted) {
                return !accepted.isEmpty();
            }
        });

        cancellation.cancel("SIGTERM");

        assertThat(running.get(1, TimeUnit.MINUTES)).isEqualTo(new SshResult(-1, false, true));
    }

    @Test
    void a_stage_timeout_shorter_than_the_connect_timeout_is_a_timeout() throws Exception {
        Path id = Sshd.keygen("ed25519", tmp.resolve("id"));
        SshOptions options = new SshOptions(tmp.resolve("known_hosts"), Optional.of(id), Duration.ofMinutes(5));

        SshResult r = new SshRunner(options)
                .run(target(), "true", new ByteArrayOutputStream(), Duration.ofSeconds(1), new Cancellation());

        assertThat(r).isEqualTo(new SshResult(-1, true, false));
    }

    @Test
    void a_file_that_is_not_a_key_is_skipped_and_the_failure_says_so() {
        SshOptions options = new SshOptions(tmp.resolve("known_hosts"), Optional.of(key), Duration.ofSeconds(1));

        SshException.AuthFailed e = catchThrowableOfType(SshException.AuthFailed.class, () -> new SshRunner(options)
                .run(target(), "true", new ByteArrayOutputStream(), Duration.ofMinutes(1), new Cancellation()));

        assertThat(e.getMessage()).contains(key + " (not a private key this engine can read)")
                .doesNotContain("not read before the handshake");
    }
}
