package dev.engine.watch;

/**
 * One stage's numbers as {@code engine status} shows them, for /metrics.
 *
 * @param attempts attempts since the last reset (the counter that numbers the logs)
 * @param apiCalls model calls recorded for the stage (all fingerprints) since it was last green or reset
 * @param tokens tokens recorded for the stage, same span
 * @param lastRunEpochSeconds start of the last attempt; null when it never ran
 * @param lastDurationSeconds length of the last attempt; null when it never ran
 */
public record StageFigures(String stage, String status, long attempts, long apiCalls, long tokens,
                           Double lastRunEpochSeconds, Double lastDurationSeconds) {}
