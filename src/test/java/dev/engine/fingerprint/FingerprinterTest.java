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
        String text = "héllo ✓\r\nprogress 10%\rprogress done\n" + FAILURE + "no newline at the end";
        Path file = tmp.resolve("x.log");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        assertThat(fingerprinter.of(file)).isEqualTo(fingerprinter.ofText(text));
        assertThat(fingerprinter.of(file).normalizedTail()).startsWith("héllo ✓", "progress done");
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

    /** Issue 14: "waiting for etcd to be healthy" printed 3 times vs 4 times gave two fingerprints. */
    @Test
    void aRetryRoundOfSeveralLinesCollapsesWhateverTheNumberOfRounds() {
        String round = """
                \u25F3 waiting for etcd to be healthy: 1 error occurred:
                    * 10.5.0.2: service "etcd" not in expected state "Running": current state [Preparing] Running pre state
                """;
        String end = "healthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded\n";
        Fingerprint three = fingerprinter.ofText("waiting for etcd to be healthy: ...\n" + round.repeat(3) + end);
        Fingerprint four = fingerprinter.ofText("waiting for etcd to be healthy: ...\n" + round.repeat(4).replace("\u25F3", "\u25F2") + end);
        Fingerprint one = fingerprinter.ofText("waiting for etcd to be healthy: ...\n" + round + end);

        assertThat(four).isEqualTo(three);
        assertThat(three.normalizedTail()).hasSize(4);
        // nor does a single round differ from many
        assertThat(one).isEqualTo(three);
    }

    @Test
    void aLoopCutPartWayThroughARoundFingerprintsLikeOneCutAtARoundBoundary() {
        String header = "$ kubectl -n flux-system logs deploy/helm-controller --tail=5\n";
        String round = "reconciliation finished in 1.7s, next run in 5m0s\nReconciler error: upgrade retries exhausted\n";
        String cutInsideARound = header + "Reconciler error: upgrade retries exhausted\n" + round.repeat(2);
        String cutAtABoundary = header + round.repeat(3);

        assertThat(fingerprinter.ofText(cutInsideARound)).isEqualTo(fingerprinter.ofText(cutAtABoundary));
        assertThat(fingerprinter.ofText(cutAtABoundary).normalizedTail()).containsExactly(
                "$ kubectl -n flux-system logs deploy/helm-controller --tail=5",
                "reconciliation finished in <dur>, next run in <dur>",
                "Reconciler error: upgrade retries exhausted");
    }

    @Test
    void aDifferentLineBetweenRoundsIsKeptAndSoIsTheOrderOfDifferentLines() {
        Fingerprint loop = fingerprinter.ofText("a\nb\na\nb\n");
        Fingerprint interrupted = fingerprinter.ofText("a\nb\nc\na\nb\n");
        Fingerprint swapped = fingerprinter.ofText("b\na\n");

        assertThat(loop.normalizedTail()).containsExactly("a", "b");
        assertThat(interrupted.normalizedTail()).containsExactly("a", "b", "c", "a", "b");
        assertThat(swapped).isNotEqualTo(loop);
    }

    /** Issue 14: a CrashLoopBackOff with a rising restart count made 18 fingerprints in 20 attempts. */
    @Test
    void aCrashLoopWithRisingRestartsKeepsOneFingerprint() {
        String template = """
                $ kubectl -n apps get pods
                NAME                          READY   STATUS             RESTARTS       AGE
                web-%s   0/1     CrashLoopBackOff   %d (%s ago)   %s
                Error from server (BadRequest): container "web" in pod "web-%s" is waiting to start
                [engine] finished 2026-12-0%dT10:00:00Z exit=1 duration=%s
                """;
        Fingerprint first = fingerprinter.ofText(template.formatted("7d9f8c6b5-x2b4k", 3, "12s", "2m", "7d9f8c6b5-x2b4k", 1, "1.2s"));
        for (int restarts = 4; restarts <= 20; restarts++) {
            String pod = restarts % 2 == 0 ? "5bc4b984c4-6bpp6" : "c654d94c9-hmj8l";
            Fingerprint later = fingerprinter.ofText(template.formatted(pod, restarts, restarts + "m3s", restarts * 5 + "m", pod,
                    1 + restarts % 9, restarts + ".4s"));
            assertThat(later.hash()).as("restart %d", restarts).isEqualTo(first.hash());
        }
    }

    /** Issue 14: the same line dialling :50000 and :6443 was one fingerprint. */
    @Test
    void theSameDialToTwoWellKnownPortsIsTwoFailures() {
        String talosApi = "error: dial tcp 10.5.0.2:50000: connect: connection refused\n";
        String kubeApi = "error: dial tcp 10.5.0.2:6443: connect: connection refused\n";

        assertThat(fingerprinter.ofText(talosApi).hash()).isNotEqualTo(fingerprinter.ofText(kubeApi).hash());
        assertThat(fingerprinter.ofText(talosApi).hash())
                .isEqualTo(fingerprinter.ofText(talosApi.replace("10.5.0.2", "fd00::5").replace("fd00::5:", "[fd00::5]:")).hash());
    }

    @Test
    void explainGivesEachTailLineItsNewestRawLineHowManyItStandsForAndWhatChanged() throws Exception {
        Path log = tmp.resolve("explain.log");
        Files.writeString(log, """
                2026-12-01T10:00:00Z retry (1/30): dial tcp 10.0.0.5:6443: connect: connection refused
                2026-12-01T10:00:05Z retry (2/30): dial tcp 10.0.0.5:6443: connect: connection refused
                2026-12-01T10:00:10Z retry (3/30): dial tcp 10.0.0.7:6443: connect: connection refused
                gave up
                """);

        Fingerprinter.Explanation e = fingerprinter.explain(log);

        assertThat(e.fingerprint()).isEqualTo(fingerprinter.of(log));
        assertThat(e.lines()).hasSize(2);
        Fingerprinter.ExplainedLine retry = e.lines().get(0);
        assertThat(retry.normalized()).isEqualTo("<ts> retry (<n>/<n>): dial tcp <ip>:6443: connect: connection refused");
        assertThat(retry.rawLines()).isEqualTo(3);
        assertThat(retry.newest().raw()).startsWith("2026-12-01T10:00:10Z retry (3/30)");
        assertThat(retry.newest().changes()).extracting(LogNormalizer.Change::from)
                .containsExactly("2026-12-01T10:00:10Z", "10.0.0.7", "(3/30)");
        assertThat(e.lines().get(1).rawLines()).isEqualTo(1);
        assertThat(e.lines().get(1).newest().changes()).isEmpty();
    }
}
