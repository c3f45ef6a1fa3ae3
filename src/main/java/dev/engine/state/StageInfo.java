package dev.engine.state;

/**
 * What {@code status} shows about a stage beyond its status word, kept in
 * {@code state/stage_info.json} so that {@code stage_status.json} keeps the bash loop's shape.
 *
 * @param attemptCounter attempts since the last reset; numbers the log files
 * @param reason why the stage is failed, give_up or awaiting review (null when green or idle)
 * @param processGroup the process group of the command running now (null when none), so an engine
 *     that finds the stage still "running" after a crash can stop what the dead engine left behind
 * @param bootId the kernel boot the process group belongs to; after a reboot the number means nothing
 * @param heldCommit the AI commit the stage waits on: while set (and stage_status.json says failed,
 *     as the bash loop's file can only say) the stage is {@code awaiting_review}
 */
public record StageInfo(
        String lastFingerprint,
        String lastRun,
        Long lastDurationMs,
        Integer lastExit,
        String lastLog,
        int attemptCounter,
        String reason,
        long tokens,
        int apiCalls,
        Long processGroup,
        String bootId,
        String heldCommit) {

    public static StageInfo empty() {
        return new StageInfo(null, null, null, null, null, 0, null, 0, 0, null, null, null);
    }

    public StageInfo withAttemptStarted() {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter + 1, reason, tokens, apiCalls,
                processGroup, bootId, heldCommit);
    }

    public StageInfo withRun(String fingerprint, String at, long durationMs, Integer exit, String log) {
        // the attempt is over: its process group is no longer ours to stop
        return new StageInfo(fingerprint, at, durationMs, exit, log, attemptCounter, reason, tokens, apiCalls, null, null, heldCommit);
    }

    public StageInfo withReason(String newReason) {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter, newReason, tokens, apiCalls,
                processGroup, bootId, heldCommit);
    }

    public StageInfo withProcessGroup(Long group, String boot) {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter, reason, tokens, apiCalls,
                group, boot, heldCommit);
    }

    /** Keeps what a finished failure episode spent when its errors.json entries are cleared on green. */
    public StageInfo withSpent(long moreTokens, int moreCalls) {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter, reason,
                tokens + moreTokens, apiCalls + moreCalls, processGroup, bootId, heldCommit);
    }

    /** The commit the stage waits on for review; null when it waits on none. */
    public StageInfo withHeldCommit(String commit) {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter, reason, tokens, apiCalls,
                processGroup, bootId, commit);
    }
}
