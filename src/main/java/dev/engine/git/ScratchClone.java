package dev.engine.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * A throw-away clone of the AI branch tip (main's when there is none) for the local executor
 * (I9): a real git repository, because executors such as Codex CLI work through git, borrowing
 * the user's objects read-only. It may edit anything here; {@link #diff()} turns what changed on
 * disk (committed or not) into a unified diff that goes through the one landing path like any
 * other. The user's ignored local files (secrets, kubeconfig) are not linked in: an executor is
 * less trusted than a stage.
 */
public final class ScratchClone implements AutoCloseable {
    private final Path workspace;
    private final Path dir;
    private final ObjectId commit;

    private ScratchClone(Path workspace, Path dir, ObjectId commit) {
        this.workspace = workspace;
        this.dir = dir;
        this.commit = commit;
    }

    /** Clones the tip of {@code aiBranch} (main's when it does not exist) into {@code dir}, which must be absent or empty. */
    public static ScratchClone create(Path workspace, String aiBranch, String mainBranch, Path dir) throws IOException {
        Path ws = workspace.toAbsolutePath().normalize();
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        try (Stream<Path> list = Files.list(root)) {
            if (list.findAny().isPresent()) {
                throw new IOException("the scratch directory " + root + " is not empty; give the executor a fresh one");
            }
        }
        try (Repository source = CheckoutSource.open(ws)) {
            ObjectId tip = CheckoutSource.tip(source, aiBranch, mainBranch).copy();
            try (Repository clone = LocalClone.create(root, source, mainBranch)) {
                LocalClone.pointAt(clone, source, tip, mainBranch, List.of());
            }
            return new ScratchClone(ws, root, tip);
        } catch (IOException | RuntimeException e) {
            SafeTree.deleteTree(root);
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    /** The commit the clone was made from: the base a patch from {@link #diff()} applies to. */
    public String commit() {
        return commit.name();
    }

    /**
     * The changes in the clone's files against the base commit, as {@code git diff --full-index}
     * would print them ({@code .git} is not part of it). Empty when nothing changed.
     */
    public String diff() throws IOException {
        try (Repository repo = CheckoutSource.open(workspace);
                ObjectReader reader = repo.newObjectReader();
                RevWalk walk = new RevWalk(reader)) {
            return ScratchDiff.diff(reader, walk.parseCommit(commit).getTree(), dir, Set.of());
        }
    }

    /**
     * Removes the scratch clones ({@code .<name>_scratch}) an engine killed mid-executor left in
     * {@code patchesDir}; links inside are removed, never followed. Only safe with the engine lock
     * held, when no executor can be running. Returns the names removed.
     */
    public static List<String> removeLeftovers(Path patchesDir) throws IOException {
        if (!Files.isDirectory(patchesDir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> removed = new ArrayList<>();
        try (Stream<Path> entries = Files.list(patchesDir)) {
            for (Path p : entries.filter(e -> e.getFileName().toString().matches("\\..+_scratch")).sorted().toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    SafeTree.deleteTree(p);
                } else {
                    Files.delete(p); // a link or file by that name: removed itself, its target untouched
                }
                removed.add(p.getFileName().toString());
            }
        }
        return removed;
    }

    /** Deletes the clone (links inside it are removed, never followed). */
    @Override
    public void close() {
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) SafeTree.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the scratch clone " + dir + ": " + e.getMessage(), e);
        }
    }
}
