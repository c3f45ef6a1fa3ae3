package dev.engine.executor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment an executor runs with (I9): only the listed variables pass, and the model API
 * key never does, whatever the list says, because the executor's output is not trusted.
 */
public final class ScrubbedEnv {
    private static final List<String> NEVER = List.of("OPENAI_API_KEY", "EXECUTOR_API_KEY");

    private ScrubbedEnv() {}

    public static Map<String, String> of(Map<String, String> env, List<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : allowed) {
            if (NEVER.contains(name)) {
                continue;
            }
            String value = env.get(name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }
}
