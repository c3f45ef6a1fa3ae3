package dev.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The API keys as the launcher hands them over (DESIGN.md §8): not in the engine's environment,
 * where any process of the same user could read them from {@code /proc/<pid>/environ}, but
 * through a pipe on a file descriptor named by {@code ENGINE_KEYS_FD}, read once at start-up.
 * The keys then live only in the engine's memory; every child gets an environment without them.
 */
final class LauncherKeys {
    static final String FD_VARIABLE = "ENGINE_KEYS_FD";
    static final List<String> NAMES = List.of("OPENAI_API_KEY", "EXECUTOR_API_KEY");

    private LauncherKeys() {}

    /** {@code env} with the keys from the launcher's descriptor added and the descriptor variable removed. */
    static Map<String, String> withKeys(Map<String, String> env) {
        String fd = env.get(FD_VARIABLE);
        if (fd == null || !fd.matches("\\d{1,4}")) {
            return env;
        }
        Map<String, String> out = new HashMap<>(env);
        out.remove(FD_VARIABLE);
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/fd/" + fd))) {
            String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0 && NAMES.contains(line.substring(0, eq)) && eq + 1 < line.length()) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            // No keys: escalation says OPENAI_API_KEY is not set, which is what the user can act on.
        }
        return out;
    }
}
