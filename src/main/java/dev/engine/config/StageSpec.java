package dev.engine.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One stage of {@code context_map.yaml} (DESIGN.md §4). Lists are never null; optional
 * settings are empty when the file does not give them.
 *
 * @param line the line of the stage's key in the file, for error messages
 */
public record StageSpec(
        String name,
        String description,
        String command,
        Optional<String> host,
        List<String> dependsOn,
        Optional<Duration> timeout,
        List<String> successChecks,
        List<String> files,
        List<String> architectureSections,
        List<String> successCriteria,
        List<String> diagnostics,
        StageSandbox sandbox,
        int line) {

    public StageSpec {
        dependsOn = List.copyOf(dependsOn);
        successChecks = List.copyOf(successChecks);
        files = List.copyOf(files);
        architectureSections = List.copyOf(architectureSections);
        successCriteria = List.copyOf(successCriteria);
        diagnostics = List.copyOf(diagnostics);
        sandbox = sandbox == null ? StageSandbox.DEFAULT : sandbox;
    }

    /** A stage with the default sandbox. */
    public StageSpec(String name, String description, String command, Optional<String> host, List<String> dependsOn,
                     Optional<Duration> timeout, List<String> successChecks, List<String> files,
                     List<String> architectureSections, List<String> successCriteria, List<String> diagnostics, int line) {
        this(name, description, command, host, dependsOn, timeout, successChecks, files, architectureSections,
                successCriteria, diagnostics, StageSandbox.DEFAULT, line);
    }

    public Duration timeoutOr(Duration fallback) {
        return timeout.orElse(fallback);
    }
}
