package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.escalation.RemoteDiagnostics;
import dev.engine.escalation.diagnostics.DiagnosticResult;
import dev.engine.escalation.diagnostics.DiagnosticsPolicy;
import dev.engine.escalation.diagnostics.DiagnosticsRunner;
import dev.engine.escalation.diagnostics.Verdict;
import dev.engine.stage.Cancellation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Diagnostics of a host: stage run on that host over SSH, against a real sshd, still allowlisted and redacted. */
class RemoteDiagnosticsTest {
    @RegisterExtension
    static final Sshd SSHD = new Sshd();

    @TempDir
    Path tmp;

    private DiagnosticsRunner runner() throws Exception {
        return new DiagnosticsRunner(tmp, Map.of(), Duration.ofSeconds(20), 4096, tmp.resolve("diagnostics"),
                text -> text.replace("s3cr3t-remote-value", "[REDACTED:token:00000000]"),
                RemoteDiagnostics.over(SSHD.options(SSHD.knownHosts(tmp)), SSHD.target(), new Cancellation()));
    }

    @Test
    void a_configured_pipeline_runs_on_the_host_and_its_output_is_redacted() throws Exception {
        DiagnosticsPolicy policy = new DiagnosticsPolicy(List.of("printf 'uname=%s token=s3cr3t-remote-value' ${WORD} | tr -d Q"),
                Map.of("WORD", "it's $(id); rm -rf /tmp/nothing"));
        Verdict v = policy.check("printf 'uname=%s token=s3cr3t-remote-value' ${WORD} | tr -d Q");
        assertThat(v).isInstanceOf(Verdict.Allowed.class);

        DiagnosticResult r = runner().run((Verdict.Allowed) v, "talos");

        assertThat(r.exitCode()).as(r.output()).isZero();
        // The variable's metacharacters arrived as one literal word: nothing ran on the remote side.
        assertThat(r.output()).contains("uname=it's $(id); rm -rf /tmp/nothing").contains("[REDACTED:token:00000000]");
        assertThat(r.output()).doesNotContain("s3cr3t");
        assertThat(Files.readString(r.file())).doesNotContain("s3cr3t");
    }

    @Test
    void a_remote_exit_code_comes_back() throws Exception {
        Verdict v = new DiagnosticsPolicy(List.of("ls /definitely/not/here"), Map.of()).check("ls /definitely/not/here");
        DiagnosticResult r = runner().run((Verdict.Allowed) v, "talos");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("/definitely/not/here");
    }
}
