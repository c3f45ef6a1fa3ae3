package dev.engine.state;

/**
 * What {@code status} shows about a stage beyond its status word, kept in
 * {@code state/stage_info.json} so that {@code stage_status.json} keeps the bash loop's shape.
 *
 * @param attemptCounter attempts since the last reset; numbers the log files
 * @param reason why the stage is failed or give_up (null when green or idle)
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
        int apiCalls) {

    public static StageInfo empty() {
        return new StageInfo(null, null, null, null, null, 0, null, 0, 0);
    }

    public StageInfo withAttemptStarted() {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter + 1, reason, tokens, apiCalls);
    }

    public StageInfo withRun(String fingerprint, String at, long durationMs, Integer exit, String log) {
        return new StageInfo(fingerprint, at, durationMs, exit, log, attemptCounter, reason, tokens, apiCalls);
    }

    public StageInfo withReason(String newReason) {
        return new StageInfo(lastFingerprint, lastRun, lastDurationMs, lastExit, lastLog, attemptCounter, newReason, tokens, apiCalls);
    }
}
