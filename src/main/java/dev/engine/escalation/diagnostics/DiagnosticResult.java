package dev.engine.escalation.diagnostics;

import java.nio.file.Path;

/**
 * One diagnostic that ran. {@code output} is stdout and stderr merged, already redacted.
 *
 * @param command   the command as requested (redacted)
 * @param exitCode  exit status of the last pipeline segment (as a shell reports it); -1 after a
 *                  timeout, or when the output cap cut it while it still ran; 127 when a command
 *                  was not found, 126 when it could not be started
 * @param truncated output reached the cap; the command was stopped there
 * @param file      the log under logs/diagnostics holding the same redacted output
 */
public record DiagnosticResult(String command, int exitCode, boolean timedOut, boolean truncated, String output, Path file) {}
