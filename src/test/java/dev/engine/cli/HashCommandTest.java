package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.fingerprint.Fingerprinter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine hash}, driven through the real CLI. */
class HashCommandTest {
    @TempDir
    Path tmp;
    Home home;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, "stages:\n  talos:\n    command: \"true\"\n");
    }

    /** Issue 14: it said "configuration error: ... LOG: no such file" and dropped the directory. */
    @Test
    void aMissingLogIsNamedWithItsFullPathAndExits2() {
        Path missing = tmp.resolve("no/such/dir/talos_attempt3.log");

        Home.Result r = home.engine("hash", missing.toString());

        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("log file " + missing + " does not exist")
                .doesNotContain("configuration error").doesNotContain("LOG:");
    }

    @Test
    void aRelativePathIsReportedAbsolute() {
        Home.Result r = home.engine("hash", "logs/talos/missing.log");

        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("log file " + home.ws.resolve("logs/talos/missing.log") + " does not exist");
    }

    @Test
    void aDirectoryIsNotALogFile() throws Exception {
        Files.createDirectories(home.ws.resolve("logs/talos"));

        Home.Result r = home.engine("hash", "logs/talos");

        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains(home.ws.resolve("logs/talos") + " is not a regular file");
    }

    @Test
    void theHashIsTheFingerprintOfTheFile() throws Exception {
        home.write("a.log", "2026-12-06T19:09:47Z dial tcp 10.0.0.5:6443: connect: connection refused\n");

        Home.Result r = home.engine("hash", "a.log");

        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo(new Fingerprinter(Fingerprinter.DEFAULT_TAIL_LINES).of(home.ws.resolve("a.log")).hash());
    }

    @Test
    void explainShowsPerLineWhichTokensWereNormalizedAndToWhatClass() throws Exception {
        home.write("a.log", """
                2026-12-06T19:09:47.123Z dial tcp 10.0.0.5:6443: connect: connection refused
                2026-12-06T19:09:52.456Z dial tcp 10.0.0.5:6443: connect: connection refused
                read tcp 10.42.0.15:56574->140.82.114.4:22: read: connection reset by peer
                cilium-48vnb   0/1   CrashLoopBackOff   7 (2m40s ago)   19m
                exit status 1
                """);

        Home.Result r = home.engine("hash", "--explain", "a.log");

        assertThat(r.code()).as(r.all()).isZero();
        String out = r.out();
        assertThat(out.lines().findFirst()).hasValueSatisfying(h -> assertThat(h).matches("[0-9a-f]{12}"));
        assertThat(out).contains("normalized tail (4 lines, oldest first)")
                .contains("   1  <ts> dial tcp <ip>:6443: connect: connection refused")
                .contains("raw (newest of 2 raw lines collapsed into this one): 2026-12-06T19:09:52.456Z dial tcp")
                .contains("2026-12-06T19:09:52.456Z \u2192 <ts>   [ts]")
                .contains("10.0.0.5 \u2192 <ip>   [ip]")
                .contains("56574 \u2192 <port>   [port]")
                .contains("cilium-48vnb \u2192 cilium-<pod>   [pod]")
                .contains("7 (<dur> ago) \u2192 <n> (<dur> ago)   [n]")
                .contains("   4  exit status 1");
        // the service ports 6443 and 22 and the exit status are kept, so nothing claims to have replaced them
        assertThat(out).doesNotContain("6443 \u2192").doesNotContain("22 \u2192").doesNotContain("1 \u2192");
    }

    @Test
    void aHostileLogLineCannotDriveTheTerminal() throws Exception {
        home.write("evil.log", "\u001B]0;owned\u0007\u001B[2Jboom 10.0.0.5\n");

        Home.Result r = home.engine("hash", "--explain", "evil.log");

        assertThat(r.code()).isZero();
        assertThat(r.out()).doesNotContain("\u001B").doesNotContain("\u0007")
                .contains("raw: \\x1b]0;owned\\x07\\x1b[2Jboom 10.0.0.5").contains("   1  boom <ip>");
    }
}
