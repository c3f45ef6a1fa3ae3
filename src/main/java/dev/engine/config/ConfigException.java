package dev.engine.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The configuration cannot be used; carries every problem found, not just the first. Exit code 2. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(Path file, int line, String field, String message) {
        this(List.of(new ConfigProblem(file, line, field, message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
