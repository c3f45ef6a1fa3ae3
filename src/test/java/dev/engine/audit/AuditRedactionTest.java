package dev.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.redact.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 7: every string in an event's details is redacted when it is appended, also in
 * lists, maps and records, while what the engine itself writes there (commits, fingerprints,
 * paths, counts) stays as it is.
 */
class AuditRedactionTest {
    private static final String PASSWORD = "Tr0ub4dor-x7Kq2pWalrus";
    private static final String TOKEN = "Xk2vN9qLr7Tz4Wb8Yc1Hd6Jf3Mg5Pa0Se2Ru";

    @TempDir
    Path dir;

    record Check(String command, int exit) {}

    private static Redactor redactor() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        return Redactor.create(key, Map.of("CF_API_TOKEN", TOKEN));
    }

    @Test
    void strings_in_details_are_redacted_at_any_depth_and_the_engines_own_values_are_kept() throws Exception {
        AuditLog log = new AuditLog(dir, Clock.systemUTC(), redactor()::redact);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("detail", "success check failed (exit code 22): curl -u admin:" + PASSWORD + " -fsS https://10.0.0.5:8006/");
        d.put("violations", List.of("I8-placeholder conf/a.yaml: fine", "I3-apply conf/b.yaml: does not match (starting 'token: " + TOKEN + "')"));
        d.put("nested", Map.of("env", "CF_API_TOKEN=" + TOKEN));
        d.put("check", new Check("curl -H 'Authorization: Bearer " + TOKEN + "' http://x", 22));
        d.put("commit", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
        d.put("fingerprint", "3f2a9c1b7d4e8f06");
        d.put("log", "logs/talos/talos_20251102-101500_attempt1.log");
        d.put("exit_code", 22);
        d.put("timed_out", false);
        AuditEvent returned = log.append("talos", Event.ATTEMPT_FINISHED, d);

        String text = Files.readString(dir.resolve(AuditLog.FILE));
        assertThat(text).doesNotContain(PASSWORD).doesNotContain(TOKEN).contains("curl -u admin:[REDACTED:")
                .contains("\"violations\":[\"I8-placeholder conf/a.yaml: fine\",\"I3-apply conf/b.yaml: does not match (starting 'token: [REDACTED:")
                .contains("\"env\":\"CF_API_TOKEN=[REDACTED:").contains("\"check\":{\"command\":\"curl -H 'Authorization: Bearer [REDACTED:")
                .contains("\"exit\":22}")
                .contains("\"commit\":\"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\"").contains("\"fingerprint\":\"3f2a9c1b7d4e8f06\"")
                .contains("\"log\":\"logs/talos/talos_20251102-101500_attempt1.log\"").contains("\"exit_code\":22")
                .contains("\"timed_out\":false");
        assertThat(returned.details().toString()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
        AuditEvent read = log.read(Optional.empty(), 0).events().get(0);
        assertThat(read.details().get("exit_code")).isEqualTo(22);
        assertThat(read.details().get("commit")).isEqualTo("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
    }

    @Test
    void the_caller_map_is_not_changed() throws Exception {
        AuditLog log = new AuditLog(dir, Clock.systemUTC(), redactor()::redact);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("reason", "token " + TOKEN);
        log.append(null, Event.RUN_STARTED, d);
        assertThat(d.get("reason")).isEqualTo("token " + TOKEN);
    }
}
