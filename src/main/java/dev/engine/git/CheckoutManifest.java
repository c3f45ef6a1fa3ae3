package dev.engine.git;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link StageCheckout} last materialized: per tracked path the blob and mode, and the
 * file's stat data right after writing (like git's index), plus the links to ignored local files.
 *
 * <p>Crash safety: before changing anything a sync writes an incomplete manifest in which every
 * path it is about to touch is "unknown" (null id); the complete one replaces it at the end. A
 * sync killed in between leaves only unknown entries behind, which the next sync re-checks by
 * content, and deletes if they left the tree.
 */
record CheckoutManifest(int version, String commit, boolean complete, Map<String, FileState> files, Map<String, String> links) {
    static final int VERSION = 1;

    /**
     * One tracked path. {@code id == null}: unknown, check the content. {@code link}: the target
     * of a symlink. {@code size}, {@code mtime} (ns), {@code key} (inode): stat data after writing.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FileState(String id, int mode, long size, long mtime, String key, String link) {
        static FileState unknown() {
            return new FileState(null, 0, -1, -1, null, null);
        }

        boolean known() {
            return id != null;
        }

        static FileState of(TreeEntries.Entry e, PosixFileAttributes a) {
            if (a == null || e.kind() == TreeEntries.Kind.SYMLINK || e.kind() == TreeEntries.Kind.GITLINK) {
                return new FileState(e.id().name(), e.rawMode(), -1, -1, null, e.linkTarget());
            }
            return new FileState(e.id().name(), e.rawMode(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                    String.valueOf(a.fileKey()), null);
        }

        /** Whether {@code a} is still exactly the file this state recorded (content and exec bit). */
        boolean sameStat(PosixFileAttributes a, boolean executable) {
            return a != null && a.isRegularFile() && a.size() == size && a.lastModifiedTime().to(TimeUnit.NANOSECONDS) == mtime
                    && String.valueOf(a.fileKey()).equals(key) && a.permissions().contains(PosixFilePermission.OWNER_EXECUTE) == executable;
        }
    }

    static CheckoutManifest empty() {
        return new CheckoutManifest(VERSION, null, true, new TreeMap<>(), new TreeMap<>());
    }

    /**
     * One mapper for every load and store: a new one per call had to rediscover the record's
     * (de)serializers each time, a quarter of the checkout sync that precedes every attempt.
     * It is configured here and never changed afterwards, which is what makes sharing it safe.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A loaded manifest and the file's own mtime, which tells racily-clean entries apart (as git's index does). */
    record Loaded(CheckoutManifest manifest, long writtenAt) {}

    /** The manifest at {@code file}; an empty one (everything checked by content) when it is missing or unreadable. */
    static Loaded load(Path file, Warnings warnings) throws IOException {
        try {
            long at = Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
            CheckoutManifest m = mapper().readValue(Files.readAllBytes(file), CheckoutManifest.class);
            if (m.version() != VERSION || m.files() == null || m.links() == null) {
                warnings.add("checkout manifest " + file + " has an unknown format; every file is checked by content");
                return new Loaded(empty(), Long.MIN_VALUE);
            }
            return new Loaded(new CheckoutManifest(m.version(), m.commit(), m.complete(), new TreeMap<>(m.files()),
                    new TreeMap<>(m.links())), at);
        } catch (NoSuchFileException e) {
            return new Loaded(empty(), Long.MIN_VALUE);
        } catch (JsonProcessingException e) {
            warnings.add("checkout manifest " + file + " is damaged (" + e.getOriginalMessage()
                    + "); every file is checked by content");
            return new Loaded(empty(), Long.MIN_VALUE);
        }
    }

    void store(Path file) throws IOException {
        AtomicFiles.write(file, mapper().writeValueAsBytes(this));
    }
}
