package dev.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A successful sandbox trial is remembered across processes of one boot, and only then: a fake
 * bubblewrap on PATH counts its trial runs (each Sandbox here stands for a new engine process).
 */
class ProbeCacheTest {
    @TempDir
    Path tmp;
    Path bin;
    Path calls;
    Path cacheFile;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        bin = Files.createDirectories(tmp.resolve("bin"));
        calls = tmp.resolve("calls");
        cacheFile = tmp.resolve("home/state").resolve(Sandbox.PROBE_FILE);
        env = Map.of("PATH", bin + ":/usr/bin:/bin");
        fakeBwrap(0);
    }

    void fakeBwrap(int exit) throws IOException {
        Path bwrap = bin.resolve("bwrap");
        Files.writeString(bwrap, "#!/bin/sh\necho trial >> '" + calls + "'\n"
                + (exit == 0 ? "exit 0\n" : "echo 'bwrap: No permissions to create new namespace' >&2\nexit " + exit + "\n"));
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    long trials() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }

    Sandbox process(boolean write) {
        return Sandbox.locate("bwrap", env).rememberingTrialIn(cacheFile, write);
    }

    @Test
    void aSuccessfulTrialIsRememberedSoTheNextProcessStartsNoBubblewrap() throws IOException {
        assertThat(process(true).available()).isTrue();
        assertThat(trials()).isEqualTo(1);
        assertThat(cacheFile).exists();
        assertThat(process(true).available()).isTrue();
        assertThat(process(false).available()).isTrue();
        assertThat(trials()).as("later processes use the remembered trial").isEqualTo(1);
    }

    @Test
    void aFailedTrialIsNeverRemembered() throws IOException {
        fakeBwrap(1);
        Sandbox first = process(true);
        assertThat(first.available()).isFalse();
        assertThat(first.problem()).get().asString().contains("No permissions to create new namespace");
        assertThat(cacheFile).doesNotExist();
        assertThat(process(true).available()).isFalse();
        assertThat(trials()).isEqualTo(2);
    }

    @Test
    void aChangedBubblewrapAForgedOrOldRecordAndReadOnlyCommandsAllMeanANewTrial() throws IOException {
        assertThat(process(true).available()).isTrue();
        // an upgrade of bubblewrap (another size and time) that no longer works: tried again, found out
        fakeBwrap(1);
        Files.setLastModifiedTime(bin.resolve("bwrap"), FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(process(true).available()).isFalse();
        assertThat(trials()).isEqualTo(2);

        fakeBwrap(0);
        Files.writeString(cacheFile, "ok 0000000000000000000000000000000000000000000000000000000000000000\n");
        assertThat(process(true).available()).isTrue();
        assertThat(trials()).as("a record under another key is not this machine's").isEqualTo(3);

        Files.setLastModifiedTime(cacheFile, FileTime.from(Instant.now().minus(ProbeCache.MAX_AGE).minusSeconds(60)));
        assertThat(process(true).available()).isTrue();
        assertThat(trials()).as("a day-old record is tried again").isEqualTo(4);

        Files.delete(cacheFile);
        assertThat(process(false).available()).isTrue();
        assertThat(cacheFile).as("read-only commands write nothing").doesNotExist();
    }

    @Test
    void theKeyFollowsTheArgumentsEverySandboxStartsFrom() {
        Path bwrap = bin.resolve("bwrap");
        assertThat(ProbeCache.key(bwrap, List.of("a", "b"))).isPresent().isNotEqualTo(ProbeCache.key(bwrap, List.of("a", "c")));
        assertThat(ProbeCache.key(tmp.resolve("missing"), List.of("a"))).isEmpty();
    }
}
