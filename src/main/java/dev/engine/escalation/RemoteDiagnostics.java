package dev.engine.escalation;

import dev.engine.escalation.diagnostics.DiagnosticsRunner;
import dev.engine.stage.Cancellation;
import dev.engine.stage.ssh.SshOptions;
import dev.engine.stage.ssh.SshResult;
import dev.engine.stage.ssh.SshRunner;
import dev.engine.stage.ssh.SshTarget;

/** Diagnostics of a {@code host:} stage run where the stage runs: on that host, over SSH. */
public final class RemoteDiagnostics {
    private RemoteDiagnostics() {}

    public static DiagnosticsRunner.RemoteShell over(SshOptions options, SshTarget target, Cancellation cancellation) {
        SshRunner ssh = new SshRunner(options);
        return (commandLine, sink, timeout) -> {
            SshResult r = ssh.run(target, commandLine, sink, timeout, cancellation);
            return new DiagnosticsRunner.RemoteShell.Result(r.exitCode(), r.timedOut());
        };
    }
}
