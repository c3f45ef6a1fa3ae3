package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.engine.stage.Cancellation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SshRunner against a real sshd on loopback. */
class SshRunnerTest {
    @RegisterExtension
    static final Sshd SSHD = new Sshd();

    private static final Duration LONG = Duration.ofMinutes(2);

    @TempDir
    Path tmp;
    Path knownHosts;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ExecutorService background = Executors.newSingleThreadExecutor();

    @BeforeEach
    void trustServer() throws Exception {
        knownHosts = SSHD.knownHosts(tmp);
    }

    @AfterEach
    void noCommandLeftRunning() throws Exception {
        background.shutdownNow();
        awaitTrue("the server's session processes to end", () -> SSHD.sessionProcesses().isEmpty());
    }

    private SshResult run(String command) throws SshException {
        return run(SSHD.options(knownHosts), command);
    }

    private SshResult run(SshOptions options, String command) throws SshException {
        return new SshRunner(options).run(SSHD.target(), command, out, LONG, new Cancellation());
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runs_the_command_remotely_and_streams_stdout_and_stderr() throws Exception {
        SshResult r = run("echo to-stdout; echo to-stderr >&2; pwd; echo \"shell=$0\"");

        assertThat(r).isEqualTo(new SshResult(0, false, false));
        assertThat(output()).contains("to-stdout\n", "to-stderr\n")
                .as("runs in the remote user's home").contains(System.getProperty("user.home") + "\n");
    }

    @Test
    void returns_the_remote_exit_code() throws Exception {
        SshResult r = run("echo about to fail; exit 7");

        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.timedOut()).isFalse();
        assertThat(output()).contains("about to fail");
    }

    @Test
    void a_remote_command_killed_by_a_signal_has_no_exit_status_but_is_no_connection_failure() throws Exception {
        SshResult r = run("echo dying; kill -9 $$");

        assertThat(r).isEqualTo(new SshResult(SshResult.NO_EXIT_STATUS, false, false));
        assertThat(output()).contains("dying");
    }

    @Test
    void the_remote_command_sees_end_of_input_instead_of_waiting_for_it() throws Exception {
        SshResult r = run("cat; echo read-all");

        assertThat(r.exitCode()).isZero();
        assertThat(output()).contains("read-all");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void authenticates_with_each_supported_key_type(String type) throws Exception {
        Path key = Sshd.keygen(type, tmp.resolve("id_" + type));
        SSHD.authorize(tmp.resolve("id_" + type + ".pub"));

        SshResult r = run(new SshOptions(knownHosts, Optional.of(key), Duration.ofSeconds(10)), "echo as-" + type);

        assertThat(r.exitCode()).isZero();
        assertThat(output()).contains("as-" + type);
        assertThat(SSHD.log()).contains("Accepted publickey for " + SSHD.target().user());
    }

    @Test
    void uses_the_users_default_keys_when_no_identity_file_is_set() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home/.ssh")).getParent();
        Sshd.keygen("ecdsa", home.resolve(".ssh/id_ecdsa"));
        SSHD.authorize(home.resolve(".ssh/id_ecdsa.pub"));
        SshOptions options = new SshOptions(knownHosts, Optional.empty(), Duration.ofSeconds(10));

        SshResult r = new SshRunner(options, home).run(SSHD.target(), "echo default-key", out, LONG, new Cancellation());

        assertThat(r.exitCode()).isZero();
        assertThat(output()).contains("default-key");
    }

    @Test
    void accepts_hashed_known_hosts_entries() throws Exception {
        Sshd.run(List.of("ssh-keygen", "-H", "-f", knownHosts.toString()));
        assertThat(Files.readString(knownHosts)).startsWith("|1|").doesNotContain("127.0.0.1");

        assertThat(run("echo hashed-ok").exitCode()).isZero();
        assertThat(output()).contains("hashed-ok");
    }

    @Test
    void a_command_over_its_timeout_is_stopped_on_the_remote_side_with_its_background_children() throws Exception {
        String fg = uniqueSleep();
        String bg = uniqueSleep();
        Cancellation never = new Cancellation();
        SshResult r = new SshRunner(SSHD.options(knownHosts))
                .run(SSHD.target(), "echo begin; " + bg + " & " + fg + "; echo not-reached", out, Duration.ofSeconds(2), never);

        assertThat(r).isEqualTo(new SshResult(-1, true, false));
        assertThat(output()).contains("begin").doesNotContain("not-reached", "engine-ssh-pid");
        awaitTrue("the remote commands to be stopped", () -> running(fg).isEmpty() && running(bg).isEmpty());
    }

    @Test
    void a_stop_request_ends_the_remote_command() throws Exception {
        String sleep = uniqueSleep();
        Cancellation cancellation = new Cancellation();
        Future<SshResult> running = background.submit(() ->
                new SshRunner(SSHD.options(knownHosts)).run(SSHD.target(), "echo begin; " + sleep, out, LONG, cancellation));
        awaitTrue("the remote command to start", () -> output().contains("begin") && !running(sleep).isEmpty());

        cancellation.cancel("SIGTERM");

        assertThat(running.get(1, TimeUnit.MINUTES)).isEqualTo(new SshResult(-1, false, true));
        awaitTrue("the remote command to be stopped", () -> running(sleep).isEmpty());
    }

    @Test
    void stderr_that_is_not_a_full_line_still_reaches_the_log() throws Exception {
        SshResult r = run("printf partial >&2; printf ' out'");

        assertThat(r.exitCode()).isZero();
        assertThat(output()).contains("partial", " out").doesNotContain("engine-ssh-pid");
    }

    @Test
    void refuses_an_unknown_host_key_and_says_how_to_add_it() throws Exception {
        String before = "[127.0.0.1]:1 " + Sshd.publicKeyOf(SSHD.hostKeyPub()) + "\n";
        Files.writeString(knownHosts, before);

        SshException.UnknownHostKey e = catchThrowableOfType(SshException.UnknownHostKey.class, () -> run("echo never"));

        String fingerprint = Sshd.run(List.of("ssh-keygen", "-lf", SSHD.hostKeyPub().toString())).split(" ")[1];
        assertThat(e.offeredFingerprint()).isEqualTo(fingerprint);
        assertThat(e.getMessage())
                .startsWith("unknown host key for [127.0.0.1]:" + SSHD.port())
                .contains(fingerprint, "out of band",
                        "ssh-keyscan -p " + SSHD.port() + " -t ed25519 127.0.0.1 >> " + knownHosts);
        assertThat(Files.readString(knownHosts)).as("never adds keys").isEqualTo(before);
        assertThat(output()).doesNotContain("never");
    }

    @Test
    void a_missing_known_hosts_file_means_every_host_is_unknown() throws Exception {
        Path missing = tmp.resolve("nowhere/known_hosts");

        SshException.UnknownHostKey e = catchThrowableOfType(SshException.UnknownHostKey.class,
                () -> run(SSHD.options(missing), "echo never"));

        assertThat(e.getMessage()).contains("does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void refuses_a_changed_host_key_and_names_the_line_to_remove() throws Exception {
        Path other = Sshd.keygen("ed25519", tmp.resolve("impostor"));
        Files.writeString(knownHosts, "# homelab hosts\n" + "pve.lan " + Sshd.publicKeyOf(SSHD.hostKeyPub()) + "\n"
                + SSHD.target().knownHostsName() + " " + Sshd.publicKeyOf(tmp.resolve("impostor.pub")) + "\n");
        assertThat(other).exists();

        SshException.ChangedHostKey e = catchThrowableOfType(SshException.ChangedHostKey.class, () -> run("echo never"));

        assertThat(e.getMessage())
                .startsWith("host key CHANGED for [127.0.0.1]:" + SSHD.port())
                .contains(knownHosts + " line 3", "man-in-the-middle", "remove line 3");
        assertThat(output()).isEmpty();
    }

    @Test
    void names_the_line_of_a_changed_key_in_a_hashed_file_too() throws Exception {
        Sshd.keygen("ed25519", tmp.resolve("impostor"));
        Files.writeString(knownHosts, "pve.lan " + Sshd.publicKeyOf(SSHD.hostKeyPub()) + "\n"
                + SSHD.target().knownHostsName() + " " + Sshd.publicKeyOf(tmp.resolve("impostor.pub")) + "\n");
        Sshd.run(List.of("ssh-keygen", "-H", "-f", knownHosts.toString()));

        SshException.ChangedHostKey e = catchThrowableOfType(SshException.ChangedHostKey.class, () -> run("echo never"));

        assertThat(e.getMessage()).contains(knownHosts + " line 2").doesNotContain("line 1");
    }

    @Test
    void a_key_the_server_does_not_accept_fails_authentication_naming_the_key_but_not_its_contents() throws Exception {
        Path wrong = Sshd.keygen("ed25519", tmp.resolve("wrong_key"));

        SshException.AuthFailed e = catchThrowableOfType(SshException.AuthFailed.class,
                () -> run(new SshOptions(knownHosts, Optional.of(wrong), Duration.ofSeconds(10)), "echo never"));

        assertThat(e.getMessage()).startsWith("authentication failed for " + SSHD.target())
                .contains(wrong + " (ssh-ed25519)", "authorized_keys");
        for (String line : Files.readAllLines(wrong)) {
            assertThat(e.getMessage()).doesNotContain(line);
        }
        assertThat(e.getMessage()).doesNotContain(Sshd.publicKeyOf(tmp.resolve("wrong_key.pub")).split(" ")[1]);
    }

    @Test
    void a_passphrase_protected_key_is_skipped_with_a_reason() throws Exception {
        Path locked = Sshd.keygen("ed25519", tmp.resolve("locked"), "correct horse");
        SSHD.authorize(tmp.resolve("locked.pub"));

        SshException.AuthFailed e = catchThrowableOfType(SshException.AuthFailed.class,
                () -> run(new SshOptions(knownHosts, Optional.of(locked), Duration.ofSeconds(10)), "echo never"));

        assertThat(e.getMessage()).contains(locked.toString(), "passphrase-protected");
    }

    @Test
    void no_default_key_at_all_is_an_authentication_failure_naming_the_paths_looked_at() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("empty-home"));
        SshOptions options = new SshOptions(knownHosts, Optional.empty(), Duration.ofSeconds(10));

        SshException.AuthFailed e = catchThrowableOfType(SshException.AuthFailed.class,
                () -> new SshRunner(options, home).run(SSHD.target(), "true", out, LONG, new Cancellation()));

        assertThat(e.getMessage()).contains(home.resolve(".ssh/id_ed25519").toString(), "id_rsa", "exists");
    }

    @Test
    void a_port_without_a_server_is_unreachable() throws Exception {
        SshTarget nobody = new SshTarget(SSHD.target().user(), "127.0.0.1", Sshd.freePort());

        SshException.Unreachable e = catchThrowableOfType(SshException.Unreachable.class,
                () -> new SshRunner(SSHD.options(knownHosts)).run(nobody, "true", out, LONG, new Cancellation()));

        assertThat(e.getMessage()).startsWith("cannot reach 127.0.0.1:" + nobody.port()).contains("connection refused");
    }

    @Test
    void losing_the_connection_mid_command_is_reported_as_a_dropped_connection() throws Exception {
        String sleep = uniqueSleep();
        Future<SshResult> running = background.submit(() -> run("echo started; " + sleep));
        awaitTrue("the remote command to start", () -> output().contains("started") && !running(sleep).isEmpty());

        // sshd's session processes die, as in a crash or an OOM kill; the command itself survives
        SSHD.sessionProcesses().stream().filter(p -> p.info().command().orElse("").endsWith("sshd"))
                .forEach(ProcessHandle::destroyForcibly);

        try {
            running.get(1, TimeUnit.MINUTES);
            fail("expected a dropped connection; output:\n" + output());
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SshException.ConnectionDropped.class);
            assertThat(e.getCause().getMessage()).startsWith("connection lost to " + SSHD.target())
                    .contains("may still be running", "ps -o pid,args -g " + running(sleep).get(0).pid());
        }
        assertThat(output()).contains("started");
        running(sleep).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * A sleep command whose command line no other process has, to find it afterwards; short
     * enough that one a failed test leaves behind does not linger for long.
     */
    static String uniqueSleep() {
        return "sleep 300." + (100_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(900_000));
    }

    /** The processes anywhere on this machine running {@code sleep N} as made by {@link #uniqueSleep}. */
    static List<ProcessHandle> running(String sleep) {
        List<String> args = List.of(sleep.substring("sleep ".length()));
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("/sleep")
                        && p.info().arguments().map(a -> List.of(a).equals(args)).orElse(false))
                .toList();
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what + "\nsshd log:\n" + SSHD.log());
            }
            Thread.sleep(50);
        }
    }
}
