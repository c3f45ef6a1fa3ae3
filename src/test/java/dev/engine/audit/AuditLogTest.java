package dev.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;

    @Test
    void events_are_json_lines_with_time_stage_event_and_details() throws Exception {
        AuditLog log = new AuditLog(dir, Clock.systemUTC());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("fingerprint", "abc");
        details.put("exit_code", null);
        log.append("talos", Event.FINGERPRINT, details);
        log.append(null, Event.RUN_STARTED, Map.of());
        String text = Files.readString(dir.resolve("audit.jsonl"));
        assertThat(text.lines()).hasSize(2);
        assertThat(text.lines().findFirst().orElseThrow())
                .matches("\\{\"time\":\"[0-9T:.Z-]+\",\"stage\":\"talos\",\"event\":\"fingerprint\",\"details\":\\{.*\\}\\}");
    }

    @Test
    void tail_and_stage_filter() throws Exception {
        AuditLog log = new AuditLog(dir, Clock.systemUTC());
        for (int i = 0; i < 10; i++) {
            log.append(i % 2 == 0 ? "talos" : "vms", Event.ATTEMPT_STARTED, Map.of("attempt", i));
        }
        AuditLog.Read r = log.read(Optional.of("talos"), 3);
        assertThat(r.events()).extracting(e -> e.details().get("attempt")).containsExactly(4, 6, 8);
        assertThat(log.read(Optional.empty(), 0).events()).hasSize(10);
    }

    @Test
    void a_torn_last_line_is_skipped_and_counted_not_fatal() throws Exception {
        AuditLog log = new AuditLog(dir, Clock.systemUTC());
        log.append("talos", Event.GREEN, Map.of());
        Files.writeString(dir.resolve("audit.jsonl"), "{\"time\":\"2026", StandardOpenOption.APPEND);
        AuditLog.Read r = log.read(Optional.empty(), 0);
        assertThat(r.events()).hasSize(1);
        assertThat(r.unreadableLines()).isEqualTo(1);
    }
}
