package dev.engine.git;

import java.io.File;
import java.util.Map;
import org.eclipse.jgit.util.FS;

/**
 * Tells JGit where git's system-wide config is instead of letting it ask git. On first use JGit
 * runs {@code git --version} and {@code git config --system --list} to find that file: two
 * processes on every start of a short CLI command (about 20 ms of {@code engine status}).
 * Git itself reads {@code $GIT_CONFIG_SYSTEM} or, as built by the distributions, /etc/gitconfig.
 */
public final class GitSystemConfig {
    private GitSystemConfig() {}

    /** Call before repositories are opened; calling it again with the same environment changes nothing. */
    public static void useGitDefault(Map<String, String> env) {
        String override = env.get("GIT_CONFIG_SYSTEM");
        FS.DETECTED.setGitSystemConfig(new File(override == null || override.isBlank() ? "/etc/gitconfig" : override));
    }
}
