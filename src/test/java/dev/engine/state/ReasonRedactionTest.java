package dev.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.redact.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 7: a stage's reason quotes the failed success check ({@code curl -u admin:<password>}),
 * and {@code status}, {@code /api/status} and the console show it as stored; it is stored redacted.
 */
class ReasonRedactionTest {
    private static final String PASSWORD = "Tr0ub4dor-x7Kq2pWalrus";

    @TempDir
    Path dir;

    @Test
    void a_reason_is_stored_redacted_and_redacted_once() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 5);
        Redactor r = Redactor.create(key, Map.of());
        AtomicInteger calls = new AtomicInteger();
        StateStore state = new StateStore(dir, text -> {
            calls.incrementAndGet();
            return r.redact(text);
        });
        state.updateInfo("web", i -> i.withReason("success check failed (exit code 22): curl -fsS -u admin:" + PASSWORD
                + " https://grafana.lan/api/health"));
        state.setStatus("web", StageStatus.FAILED);
        state.updateInfo("web", StageInfo::withAttemptStarted);
        state.awaitReview("web", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", "AI commit a94a8fe5cc changes stages/web.sh, which runs");

        assertThat(Files.readString(dir.resolve(StateStore.INFO_FILE))).doesNotContain(PASSWORD);
        assertThat(new StateStore(dir).info("web").reason()).isEqualTo("AI commit a94a8fe5cc changes stages/web.sh, which runs");
        // only a changed reason is redacted: the other updates do not pay for it
        assertThat(calls.get()).isEqualTo(2);
        state.updateInfo("web", i -> i.withReason("curl -u admin:" + PASSWORD));
        assertThat(new StateStore(dir).info("web").reason()).startsWith("curl -u admin:[REDACTED:").doesNotContain(PASSWORD);
    }
}
