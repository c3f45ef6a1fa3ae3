package dev.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded, validated {@code context_map.yaml}. Immutable; maps keep file order.
 *
 * @param engineBlock raw scalar values of the {@code engine:} block, as written
 * @param engineLines the line of each engine-block key, so {@link Settings} can point at it
 * @param warnings things that did not stop loading, e.g. unknown keys
 */
public record ContextMap(
        Path file,
        List<StageSpec> stages,
        List<String> protectedFiles,
        Map<String, List<String>> sectionKeywords,
        Map<String, String> engineBlock,
        Map<String, Integer> engineLines,
        List<ConfigProblem> warnings) {

    public ContextMap {
        stages = List.copyOf(stages);
        protectedFiles = List.copyOf(protectedFiles);
        Map<String, List<String>> keywords = new LinkedHashMap<>();
        sectionKeywords.forEach((k, v) -> keywords.put(k, List.copyOf(v)));
        sectionKeywords = Collections.unmodifiableMap(keywords);
        engineBlock = Collections.unmodifiableMap(new LinkedHashMap<>(engineBlock));
        engineLines = Collections.unmodifiableMap(new LinkedHashMap<>(engineLines));
        warnings = List.copyOf(warnings);
    }

    public Optional<StageSpec> stage(String name) {
        return StageGraph.find(stages, name);
    }

    public List<String> stageNames() {
        return stages.stream().map(StageSpec::name).toList();
    }

    /** The line of an engine-block key, or 0 when the key is not in the file. */
    public int engineLine(String key) {
        return engineLines.getOrDefault(key, 0);
    }

    /** All stages, each after the stages it depends on; otherwise in file order. */
    public List<StageSpec> inDependencyOrder() {
        return StageGraph.order(stages);
    }

    /**
     * Only the named stages, in dependency order. Dependencies that were not named are not added:
     * the caller asked to run exactly these.
     *
     * @throws ConfigException when a name is not a stage; the message lists the stages there are
     */
    public List<StageSpec> select(Collection<String> names) throws ConfigException {
        Set<String> wanted = new LinkedHashSet<>(names);
        List<ConfigProblem> problems = new ArrayList<>();
        for (String name : wanted) {
            if (stage(name).isEmpty()) {
                problems.add(new ConfigProblem(file, 0, "",
                        "unknown stage '" + name + "'; stages are: " + String.join(", ", stageNames())));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return inDependencyOrder().stream().filter(s -> wanted.contains(s.name())).toList();
    }
}
