package dev.engine.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * A throw-away checkout of the AI branch tip for the local executor (I9): it may edit anything
 * here, and {@link #diff()} turns its edits into a unified diff that goes through the patch
 * checker like any other. Unlike the stage checkout, the user's ignored local files (secrets,
 * kubeconfig) are not linked in: the executor is less trusted than a stage.
 */
public final class ScratchCheckout implements AutoCloseable {
    private final Path workspace;
    private final Path dir;
    private final ObjectId commit;
    private final Set<String> notCheckedOut;
    private final List<String> warnings;

    private ScratchCheckout(Path workspace, Path dir, ObjectId commit, Set<String> notCheckedOut, List<String> warnings) {
        this.workspace = workspace;
        this.dir = dir;
        this.commit = commit;
        this.notCheckedOut = notCheckedOut;
        this.warnings = warnings;
    }

    /**
     * Materializes the tip of {@code aiBranch} (main's when it does not exist) into {@code dir},
     * which must be absent or empty.
     */
    public static ScratchCheckout create(Path workspace, String aiBranch, String mainBranch, Path dir) throws IOException {
        Path ws = workspace.toAbsolutePath().normalize();
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        try (var list = Files.list(root)) {
            if (list.findAny().isPresent()) {
                throw new IOException("the scratch directory " + root + " is not empty; give the executor a fresh one");
            }
        }
        Warnings warnings = new Warnings();
        try (Repository repo = CheckoutSource.open(ws);
                ObjectReader reader = repo.newObjectReader();
                RevWalk walk = new RevWalk(reader)) {
            RevCommit tip = walk.parseCommit(CheckoutSource.tip(repo, aiBranch, mainBranch));
            TreeEntries.Tree tree = TreeEntries.read(reader, tip.getTree(), warnings);
            Set<String> notCheckedOut = new TreeSet<>(tree.skipped());
            Materializer writer = new Materializer(new SafeTree(root), reader, warnings, p -> true);
            for (TreeEntries.Entry e : tree.entries().values()) {
                try {
                    writer.write(e);
                } catch (InvalidPathException ex) {
                    warnings.add(StageCheckout.unrepresentable(e.path(), ex));
                    notCheckedOut.add(e.path());
                }
            }
            return new ScratchCheckout(ws, root, tip.copy(), Set.copyOf(notCheckedOut), warnings.list());
        } catch (IOException | RuntimeException e) {
            SafeTree.deleteTree(root);
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    /** The commit the scratch directory was made from: the base a patch from {@link #diff()} applies to. */
    public String commit() {
        return commit.name();
    }

    /** Paths of the base commit that were not written (escaping symlinks, .git paths), with why. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The changes in the scratch directory against the base commit, as {@code git diff --full-index}
     * would print them; paths that were never checked out count as unchanged unless something was
     * put there. Empty when nothing changed.
     */
    public String diff() throws IOException {
        try (Repository repo = CheckoutSource.open(workspace);
                ObjectReader reader = repo.newObjectReader();
                RevWalk walk = new RevWalk(reader)) {
            return ScratchDiff.diff(reader, walk.parseCommit(commit).getTree(), dir, notCheckedOut);
        }
    }

    /**
     * Removes the scratch directories ({@code .<name>_scratch}) an engine killed mid-executor left
     * in {@code patchesDir}; links inside are removed, never followed. Only safe with the engine
     * lock held, when no executor can be running. Returns the names removed.
     */
    public static List<String> removeLeftovers(Path patchesDir) throws IOException {
        if (!Files.isDirectory(patchesDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<String> removed = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> entries = Files.list(patchesDir)) {
            for (Path p : entries.filter(e -> e.getFileName().toString().matches("\\..+_scratch")).sorted().toList()) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    SafeTree.deleteTree(p);
                } else {
                    Files.delete(p); // a link or file by that name: removed itself, its target untouched
                }
                removed.add(p.getFileName().toString());
            }
        }
        return removed;
    }

    /** Deletes the scratch directory (links inside it are removed, never followed). */
    @Override
    public void close() {
        try {
            if (Files.exists(dir)) SafeTree.deleteTree(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot delete the scratch checkout " + dir + ": " + e.getMessage(), e);
        }
    }
}
