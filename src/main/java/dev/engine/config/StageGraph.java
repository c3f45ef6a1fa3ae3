package dev.engine.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Ordering and cycle finding over stages' {@code depends_on}; dependencies on unknown stages are ignored here. */
final class StageGraph {
    private StageGraph() {}

    /**
     * Stages with every dependency before its dependents; among stages that are ready at the same
     * time, the one earlier in the file goes first, so a file without depends_on runs top to bottom.
     */
    static List<StageSpec> order(List<StageSpec> stages) {
        Set<String> known = new HashSet<>();
        stages.forEach(s -> known.add(s.name()));
        List<StageSpec> remaining = new ArrayList<>(stages);
        Set<String> done = new LinkedHashSet<>();
        List<StageSpec> out = new ArrayList<>();
        // Quadratic, but stage lists are tens long and this keeps the tie-break obvious.
        while (!remaining.isEmpty()) {
            StageSpec next = null;
            for (StageSpec s : remaining) {
                if (s.dependsOn().stream().filter(known::contains).allMatch(done::contains)) {
                    next = s;
                    break;
                }
            }
            if (next == null) {
                throw new IllegalStateException("dependency cycle among " + remaining.stream().map(StageSpec::name).toList());
            }
            remaining.remove(next);
            done.add(next.name());
            out.add(next);
        }
        return out;
    }

    /** Every distinct cycle as a path that ends where it starts, e.g. [a, b, a], found in file order. */
    static List<List<String>> cycles(Map<String, List<String>> dependsOn) {
        List<List<String>> cycles = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the stack, 2: finished
        for (String start : dependsOn.keySet()) {
            if (!state.containsKey(start)) {
                visit(start, dependsOn, state, new ArrayList<>(), cycles);
            }
        }
        return cycles;
    }

    private static void visit(String name, Map<String, List<String>> deps, Map<String, Integer> state,
            List<String> stack, List<List<String>> cycles) {
        state.put(name, 1);
        stack.add(name);
        for (String dep : deps.getOrDefault(name, List.of())) {
            if (!deps.containsKey(dep) || dep.equals(name)) {
                continue; // unknown stages and self-dependencies are reported separately
            }
            Integer s = state.get(dep);
            if (s == null) {
                visit(dep, deps, state, stack, cycles);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(dep), stack.size()));
                cycle.add(dep);
                cycles.add(cycle);
            }
        }
        stack.remove(stack.size() - 1);
        state.put(name, 2);
    }

    static Optional<StageSpec> find(List<StageSpec> stages, String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
