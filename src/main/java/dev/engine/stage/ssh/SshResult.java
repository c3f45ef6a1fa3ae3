package dev.engine.stage.ssh;

/**
 * How a remote command ended.
 *
 * @param exitCode the remote exit status; -1 when there is none (timed out, cancelled, or the
 *                 remote process was killed by a signal, which SSH reports without a status)
 */
public record SshResult(int exitCode, boolean timedOut, boolean cancelled) {
    public static final int NO_EXIT_STATUS = -1;
}
