package dev.engine.cli;

import picocli.CommandLine.IVersionProvider;

/** What `engine version`, `engine --version` and `-V` after any command print. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"engine " + (v == null ? "(development build)" : v), "java " + Runtime.version()};
    }
}
