package dev.engine.sandbox;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

/**
 * The real bubblewrap for tests. On a developer machine without it the sandbox tests are skipped;
 * in CI (CI=true, where .ci/run installs it) a missing or broken bubblewrap fails them instead,
 * so containment is never "tested" by skipping.
 */
public final class Bwrap {
    private Bwrap() {}

    public static Sandbox require() {
        Sandbox s = Sandbox.locate("bwrap", Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            if (!s.available()) {
                throw new AssertionError("CI must run the sandbox tests with a working bubblewrap: " + s.problem().orElse("?"));
            }
        } else {
            assumeTrue(s.available(), () -> "bubblewrap unavailable here: " + s.problem().orElse("?"));
        }
        return s;
    }
}
