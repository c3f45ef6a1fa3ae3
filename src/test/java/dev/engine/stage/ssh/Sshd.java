package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenSSH server on 127.0.0.1 for the tests of a class, running as the current user: its
 * own ed25519 host key, an authorized_keys file holding a generated client key, its pid file and
 * log in a temporary directory. Register with
 * {@code @RegisterExtension static final Sshd SSHD = new Sshd();}.
 *
 * <p>The tests are skipped (not failed) when {@value #SSHD} is not installed; everything else that
 * goes wrong while starting it fails them, with sshd's own log.
 */
final class Sshd implements BeforeAllCallback, AfterAllCallback {
    static final String SSHD = "/usr/sbin/sshd";
    private static final Duration START_WAIT = Duration.ofSeconds(20);

    private Path dir;
    private Process process;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(SSHD)),
                SSHD + " is not installed; SSH stage tests need it: apt-get install openssh-server");
        dir = Files.createTempDirectory("engine-sshd");
        keygen("ed25519", dir.resolve("host_key"));
        keygen("ed25519", clientKey());
        Files.copy(clientKey().resolveSibling("client_key.pub"), authorizedKeys());
        ensurePrivsepDirectory();
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Files.writeString(dir.resolve("sshd_config"), config(port));
            if (start()) {
                return;
            }
            if (attempt == 3) {
                fail("sshd did not start on 127.0.0.1:" + port + ":\n" + log());
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    SshTarget target() {
        return new SshTarget(System.getProperty("user.name"), "127.0.0.1", port);
    }

    /** The client key the server accepts (in authorized_keys). */
    Path clientKey() {
        return dir.resolve("client_key");
    }

    Path authorizedKeys() {
        return dir.resolve("authorized_keys");
    }

    Path hostKeyPub() {
        return dir.resolve("host_key.pub");
    }

    /** The server's host key as a known_hosts line, {@code [127.0.0.1]:port ssh-ed25519 AAAA...}. */
    String knownHostsLine() {
        return target().knownHostsName() + " " + publicKeyOf(hostKeyPub());
    }

    /** A known_hosts file in {@code where} that trusts this server. */
    Path knownHosts(Path where) throws IOException {
        return Files.writeString(where.resolve("known_hosts"), knownHostsLine() + "\n");
    }

    SshOptions options(Path knownHosts) {
        return new SshOptions(knownHosts, java.util.Optional.of(clientKey()), Duration.ofSeconds(10));
    }

    /** Lets {@code publicKeyFile}'s key log in too. */
    void authorize(Path publicKeyFile) throws IOException {
        Files.writeString(authorizedKeys(), Files.readString(publicKeyFile), java.nio.file.StandardOpenOption.APPEND);
    }

    /** The processes serving connections (sshd session processes and the commands they run). */
    List<ProcessHandle> sessionProcesses() {
        return process.descendants().toList();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no sshd log: " + e.getMessage() + ")";
        }
    }

    /** {@code type key} of a .pub file, without its comment. */
    static String publicKeyOf(Path pub) {
        try {
            String[] f = Files.readString(pub).strip().split(" ");
            return f[0] + " " + f[1];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Generates a key pair without passphrase (or with {@code passphrase}) using the real ssh-keygen. */
    static Path keygen(String type, Path file, String... passphrase) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
                "ssh-keygen is not installed; SSH tests need it: apt-get install openssh-server");
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N",
                passphrase.length == 0 ? "" : passphrase[0], "-C", "engine-test", "-f", file.toString()));
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "2048"));
        }
        run(cmd);
        return file;
    }

    /** Runs a tool to its end; fails the test with its output when it does not exit 0. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    private String config(int port) {
        return String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys(),
                // the temporary directory's modes are not what sshd demands of a home directory
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                // CI runs the tests as root
                "PermitRootLogin prohibit-password",
                "LogLevel VERBOSE",
                "") ;
    }

    private boolean start() throws IOException, InterruptedException {
        process = new ProcessBuilder(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                .start();
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                return true;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        return false;
    }

    /** As root, sshd insists on its privilege separation directory, which a container may lack. */
    private static void ensurePrivsepDirectory() throws IOException {
        Path privsep = Path.of("/run/sshd");
        if ("root".equals(System.getProperty("user.name")) && !Files.isDirectory(privsep)) {
            Files.createDirectories(privsep);
            Files.setPosixFilePermissions(privsep, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
