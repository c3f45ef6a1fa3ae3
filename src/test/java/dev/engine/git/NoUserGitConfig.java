package dev.engine.git;

import java.io.File;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * While open, JGit reads no user (~/.gitconfig) config, as on a machine where no identity is
 * configured; the machine running the tests may well have one. Tests run one at a time per JVM.
 */
final class NoUserGitConfig extends SystemReader implements AutoCloseable {
    private final SystemReader original;
    private final Path missing;

    NoUserGitConfig(Path emptyDir) {
        this.original = SystemReader.getInstance();
        this.missing = emptyDir.resolve("no-such.gitconfig");
        SystemReader.setInstance(this);
    }

    @Override
    public void close() {
        SystemReader.setInstance(original);
    }

    @Override
    public FileBasedConfig openUserConfig(Config parent, FS fs) {
        return new FileBasedConfig(parent, missing.toFile(), fs);
    }

    @Override
    public FileBasedConfig openSystemConfig(Config parent, FS fs) {
        return new FileBasedConfig(parent, new File(missing + ".system"), fs);
    }

    @Override
    public FileBasedConfig openJGitConfig(Config parent, FS fs) {
        return original.openJGitConfig(parent, fs);
    }

    @Override
    public String getHostname() {
        return original.getHostname();
    }

    @Override
    public String getenv(String variable) {
        // GIT_AUTHOR_* / GIT_COMMITTER_* would count as a configured identity.
        return variable.startsWith("GIT_") ? null : original.getenv(variable);
    }

    @Override
    public String getProperty(String key) {
        return original.getProperty(key);
    }

    @Override
    public long getCurrentTime() {
        return original.getCurrentTime();
    }

    @Override
    public int getTimezone(long when) {
        return original.getTimezone(when);
    }
}
