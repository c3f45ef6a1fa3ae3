package dev.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The audit trail is a file format users parse: docs/audit-events.md documents every event the
 * engine can write, and nothing else. Since AuditLog only takes an {@link Event}, an event the
 * document does not list cannot be written without failing here.
 */
class EventDocumentationTest {
    @Test
    void everyEventIsDocumentedAndTheDocumentListsNoOther() throws Exception {
        String doc = Files.readString(Path.of("docs/audit-events.md"));
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        Set<String> written = new TreeSet<>(Arrays.stream(Event.values()).map(Event::wire).toList());
        assertThat(documented).as("events in docs/audit-events.md").isEqualTo(written);
    }

    @Test
    void wireNamesRoundTrip() {
        for (Event e : Event.values()) {
            assertThat(Event.fromWire(e.wire())).contains(e);
        }
        assertThat(Event.fromWire("no_such_event")).isEmpty();
    }
}
