package dev.engine.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.audit.AuditEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Which stretch of the trail is "the last incident", and how values from the trail are made inert Markdown. */
class IncidentReportTest {
    private final List<AuditEvent> trail = new ArrayList<>();
    private int second;

    private void event(String stage, String event, Object... kv) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        trail.add(new AuditEvent(String.format("2026-12-06T10:00:%02d.123456Z", second++), stage, event, d));
    }

    private void failedAttempt(String stage, int n, String detail) {
        event(stage, "attempt_started", "attempt", n, "command", "stages/" + stage + ".sh");
        event(stage, "attempt_finished", "attempt", n, "outcome", "failed", "exit_code", 1, "duration_ms", 1500, "log",
                "logs/" + stage + "/a" + n + ".log", "detail", detail);
    }

    private Optional<String> report(String stage) {
        return IncidentReport.markdown(stage, trail, UnaryOperator.identity(), IncidentReport.Commits.UNKNOWN);
    }

    @Test
    void the_last_stretch_with_a_failure_is_reported_even_after_later_green_runs() {
        failedAttempt("talos", 1, "first incident");
        event("talos", "green", "attempt", 2);
        failedAttempt("talos", 3, "second incident");
        failedAttempt("vms", 1, "another stage");
        event("talos", "give_up", "reason", "failure seen 3 times");
        event("talos", "reset", "previous_status", "give_up");
        event("talos", "attempt_started", "attempt", 1, "command", "stages/talos.sh");
        event("talos", "attempt_finished", "attempt", 1, "outcome", "passed", "duration_ms", 10);
        event("talos", "green", "attempt", 1);

        String md = report("talos").orElseThrow();
        assertThat(md).contains("second incident").doesNotContain("first incident").doesNotContain("another stage");
        assertThat(md).contains("- **Outcome:** reset by hand at 2026-12-06T10:00:");
        assertThat(md).contains("- **What fixed it:** nothing recorded: a human reset the stage");
        assertThat(md).contains("**give_up**: `failure seen 3 times`");
    }

    @Test
    void no_failure_no_report_and_an_open_incident_says_so() {
        event("talos", "attempt_finished", "attempt", 1, "outcome", "passed");
        event("talos", "green", "attempt", 1);
        assertThat(report("talos")).isEmpty();
        failedAttempt("talos", 2, "still failing");
        assertThat(report("talos").orElseThrow()).contains("- **Outcome:** not resolved yet (last event: `attempt_finished`)")
                .contains("- **What fixed it:** not fixed yet");
    }

    @Test
    void an_approval_of_several_stages_counts_for_the_commit_it_merged() {
        failedAttempt("talos", 1, "port 6444");
        event("talos", "patch_applied", "source", "api", "commit", "6468d84003aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "files",
                List.of("cluster/talos/controlplane.yaml"), "added", 1, "removed", 1);
        event("talos", "attempt_finished", "attempt", 2, "outcome", "passed", "duration_ms", 10);
        event("talos", "green", "attempt", 2);
        event("vms", "green", "attempt", 1);
        // `approve --all` over two stages names no stage; its new main holds the talos commit.
        event(null, "approved", "commit", "ffff0000ffff0000ffff0000ffff0000ffff0000", "by", "bob", "approved", 2, "main",
                "abcdef1234abcdef1234abcdef1234abcdef1234");
        IncidentReport.Commits git = new IncidentReport.Commits() {
            @Override
            public boolean contains(String tip, String commit) {
                return tip.startsWith("abcdef1234") && commit.startsWith("6468d84003");
            }

            @Override
            public boolean inMain(String commit) {
                return true;
            }
        };
        String md = IncidentReport.markdown("talos", trail, UnaryOperator.identity(), git).orElseThrow();
        assertThat(md).contains("- **Who approved it:** `6468d84003` approved at 2026-12-06T10:00:").contains("by `bob`");
        assertThat(md).containsPattern("(?m)^- \\S+ approved 2 AI commit\\(s\\) into main, now `abcdef1234` by `bob`$");
        assertThat(md).contains("(`cluster/talos/controlplane.yaml`, +1/-1)");
    }

    @Test
    void values_become_inert_code_spans_however_many_backticks_they_hold() {
        IncidentReport r = sample(UnaryOperator.identity());
        assertThat(r.code("plain")).isEqualTo("`plain`");
        assertThat(r.code("a `b` c")).isEqualTo("``a `b` c``");
        assertThat(r.code("```x```")).isEqualTo("```` ```x``` ````");
        assertThat(r.code("")).isEqualTo("`-`");
        assertThat(r.code("line one\n# heading\r\n\tend")).isEqualTo("`line one # heading end`");
        assertThat(r.code("\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u202edlrow\u2066x\u2069 \u009b2J"))
                .doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e").doesNotContain("\u2066")
                .doesNotContain("\u009b");
        assertThat(r.code("x".repeat(1000))).hasSize(300 + 2);
    }

    @Test
    void every_value_goes_through_the_redactor() {
        failedAttempt("talos", 1, "token hunter2hunter2 refused");
        event("talos", "model_call", "model", "gpt-4o", "tokens", 10, "response_type", "give_up", "summary", "use hunter2hunter2");
        String md = IncidentReport.markdown("talos", trail, s -> s.replace("hunter2hunter2", "[REDACTED:env:0000aaaa]"),
                IncidentReport.Commits.UNKNOWN).orElseThrow();
        assertThat(md).doesNotContain("hunter2hunter2").contains("token [REDACTED:env:0000aaaa] refused")
                .contains("use [REDACTED:env:0000aaaa]");
    }

    private IncidentReport sample(UnaryOperator<String> redact) {
        failedAttempt("talos", 1, "x");
        return IncidentReport.forTest("talos", trail, redact);
    }
}
