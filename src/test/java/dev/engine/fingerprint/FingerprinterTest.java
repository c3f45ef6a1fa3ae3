package dev.engine.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprinterTest {

    private static final String FAILURE = """
            $ talosctl health --nodes 10.0.0.11
            waiting for etcd to be healthy: service "etcd" not in expected state (attempt 3/30)
            healthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded
            [engine] finished 2026-11-22T03:49:36Z exit=1 duration=10m0.2s
            """;

    private final Fingerprinter fingerprinter = new Fingerprinter(Fingerprinter.DEFAULT_TAIL_LINES);

    @TempDir
    Path tmp;

    @Test
    void hashIsTheFirst12HexOfSha256OverTheTailJoinedByNewline() throws Exception {
        Fingerprint print = fingerprinter.ofText("b\nc\n");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("b\nc".getBytes(StandardCharsets.UTF_8));
        assertThat(print.normalizedTail()).containsExactly("b", "c");
        assertThat(print.hash()).isEqualTo(HexFormat.of().formatHex(digest).substring(0, 12));
    }

    @Test
    void emptyAndBlankLogsHaveTheFixedEmptyFingerprint() throws Exception {
        String emptySha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
        assertThat(Fingerprint.EMPTY_HASH).isEqualTo(emptySha.substring(0, 12));
        for (String blank : List.of("", "\n", "\n  \n\t\r\n", "\u001B[0m\n\u001B[2K\r\n")) {
            Fingerprint print = fingerprinter.ofText(blank);
            assertThat(print.hash()).as("%s", blank).isEqualTo(Fingerprint.EMPTY_HASH);
            assertThat(print.normalizedTail()).isEmpty();
        }
        Path empty = Files.createFile(tmp.resolve("empty.log"));
        assertThat(fingerprinter.of(empty)).isEqualTo(fingerprinter.ofText(""));
    }

    @Test
    void consecutiveDuplicatesCollapseButRecurrencesAfterOtherLinesStay() {
        Fingerprint print = fingerprinter.ofText("""
                retry (1/30): refused
                retry (2/30): refused

                retry (3/30): refused
                gave up
                retry (4/30): refused
                """);
        assertThat(print.normalizedTail()).containsExactly("retry (<n>/<n>): refused", "gave up", "retry (<n>/<n>): refused");
    }

    @Test
    void collapsingHappensBeforeTheTailIsCounted() {
        Fingerprinter small = new Fingerprinter(3);
        String fewRetries = "context A\n" + "attempt 1/9 refused\n".repeat(2) + "gave up\n";
        String manyRetries = "context A\n" + "attempt 1/9 refused\n".repeat(50) + "gave up\n";
        assertThat(small.ofText(manyRetries)).isEqualTo(small.ofText(fewRetries));
        assertThat(small.ofText(fewRetries).normalizedTail()).containsExactly("context A", "attempt <n>/<n> refused", "gave up");
    }

    @Test
    void aRetryLoopLongerThanTheRawLineBudgetIsNotReadPastSoItsCostIsBounded() {
        Fingerprinter fp = new Fingerprinter(100);
        String loop = "2026-01-01T00:00:00Z attempt 1/9 refused\n".repeat(Fingerprinter.MIN_RAW_LINES + 10);
        // whatever came before a loop that fills the whole budget is out of reach...
        assertThat(fp.ofText("context A\n" + loop + "gave up\n")).isEqualTo(fp.ofText("context B\n" + loop + "gave up\n"));
        // ...while a loop inside the budget still shows its context
        String shortLoop = "attempt 1/9 refused\n".repeat(500);
        assertThat(fp.ofText("context A\n" + shortLoop + "gave up\n")).isNotEqualTo(fp.ofText("context B\n" + shortLoop + "gave up\n"));
    }

    @Test
    void prefixBeyondTheTailWindowDoesNotMatter() {
        String longFailure = numbered("goroutine frame", 120) + FAILURE;
        String noise = numbered("reconciling object", 10_000);
        Fingerprint alone = fingerprinter.ofText(longFailure);
        Fingerprint withNoise = fingerprinter.ofText(noise + longFailure);
        assertThat(withNoise).isEqualTo(alone);
        assertThat(withNoise.normalizedTail()).hasSize(Fingerprinter.DEFAULT_TAIL_LINES);
        assertThat(withNoise.normalizedTail().get(99)).startsWith("[engine] finished <ts> exit=1");
    }

    @Test
    void prefixInsideTheTailWindowDoesMatter() {
        String shortFailure = numbered("goroutine frame", 50) + FAILURE;
        String noise = numbered("reconciling object", 10_000);
        assertThat(fingerprinter.ofText(noise + shortFailure).hash())
                .isNotEqualTo(fingerprinter.ofText(shortFailure).hash());
    }

    @Test
    void blankAndNoiseOnlyLinesDoNotUseUpTheTail() {
        Fingerprinter two = new Fingerprinter(2);
        Fingerprint print = two.ofText("first\nsecond\n\n\u001B[0m\n   \nthird\n\n");
        assertThat(print.normalizedTail()).containsExactly("second", "third");
    }

    @Test
    void crlfAndLfGiveTheSameFingerprint() {
        assertThat(fingerprinter.ofText(FAILURE.replace("\n", "\r\n"))).isEqualTo(fingerprinter.ofText(FAILURE));
    }

    @Test
    void fileAndTextAgree() throws Exception {
        String text = "héllo ✓\r\nprogress 10%\rprogress 100%\n" + FAILURE + "no newline at the end";
        Path file = tmp.resolve("x.log");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        assertThat(fingerprinter.of(file)).isEqualTo(fingerprinter.ofText(text));
        assertThat(fingerprinter.of(file).normalizedTail()).startsWith("héllo ✓", "progress 100%");
    }

    @Test
    void sameFailureWithDifferentNoiseSharesAHash() {
        String other = """
                $ talosctl health --nodes fd00::12
                waiting for etcd to be healthy: service "etcd" not in expected state (attempt 29/30)
                \u001B[31mhealthcheck error:\u001B[0m rpc error: code = DeadlineExceeded desc = context deadline exceeded
                [engine] finished 2026-12-01T11:00:00.5+01:00 exit=1 duration=9m59s
                """;
        assertThat(fingerprinter.ofText(other)).isEqualTo(fingerprinter.ofText(FAILURE));
    }

    @Test
    void exitCodeAndTimeoutTrailerDistinguishFailures() {
        String exit137 = FAILURE.replace("exit=1", "exit=137");
        String timedOut = FAILURE.replace("[engine] finished",
                "[engine] timed out after 30m0s; process tree killed\n[engine] finished");
        assertThat(List.of(fingerprinter.ofText(FAILURE).hash(), fingerprinter.ofText(exit137).hash(),
                fingerprinter.ofText(timedOut).hash())).doesNotHaveDuplicates();
    }

    @Test
    void rejectsNonPositiveTail() {
        assertThatThrownBy(() -> new Fingerprinter(0)).isInstanceOf(IllegalArgumentException.class);
    }

    static String numbered(String what, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> what + " " + i + "\n").collect(Collectors.joining());
    }
}
