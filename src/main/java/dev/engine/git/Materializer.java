package dev.engine.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectReader;

/**
 * Writes tree entries under a checkout root, replacing whatever is at their path, without ever
 * writing through a symlink: parents are made real directories first ({@link SafeTree}), the old
 * entry is unlinked (never followed) and the new file is created with O_EXCL, which refuses to
 * open a symlink that might have appeared in between.
 */
final class Materializer {
    private final SafeTree tree;
    private final ObjectReader reader;
    private final Warnings warnings;
    /** Paths the previous checkout wrote: replacing those is routine, replacing anything else is worth a warning. */
    private final Predicate<String> ours;

    Materializer(SafeTree tree, ObjectReader reader, Warnings warnings, Predicate<String> ours) {
        this.tree = tree;
        this.reader = reader;
        this.warnings = warnings;
        this.ours = ours;
    }

    /** Writes {@code e} and returns the attributes of what is now at its path. */
    PosixFileAttributes write(TreeEntries.Entry e) throws IOException {
        String rel = e.path();
        tree.makeParents(rel, (dir, what) -> {
            if (!ours.test(dir)) {
                warnings.add("removed " + describe(what) + " " + dir + " from the checkout: " + rel + " is tracked under it");
            }
            return true;
        });
        Path p = tree.resolve(rel);
        try {
            // Usually the path is free (new file, or deleted above); creating exclusively is also the
            // safety check: O_EXCL fails on anything there, a dangling symlink included.
            create(e, p);
        } catch (FileAlreadyExistsException taken) {
            PosixFileAttributes a = SafeTree.lstat(p);
            boolean realDir = a != null && a.isDirectory() && !a.isSymbolicLink();
            if (realDir && e.kind() == TreeEntries.Kind.GITLINK) return a;
            if (realDir) warnings.add("removed directory " + rel + " from the checkout: the tree has a file there");
            tree.deleteAny(rel);
            create(e, p);
        }
        return SafeTree.lstat(p);
    }

    private void create(TreeEntries.Entry e, Path p) throws IOException {
        switch (e.kind()) {
            case GITLINK -> Files.createDirectory(p); // git leaves an uninitialized submodule as an empty directory
            case SYMLINK -> Files.createSymbolicLink(p, Path.of(e.linkTarget()));
            case FILE, EXECUTABLE -> {
                try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    reader.open(e.id(), Constants.OBJ_BLOB).copyTo(out);
                }
                // A new file has no x bit (0666 & ~umask), so only executables need a chmod.
                if (e.kind() == TreeEntries.Kind.EXECUTABLE) setExecutable(p, true);
            }
        }
    }

    /** Mirrors git: an executable gets x wherever it has r; a regular file gets no x at all. */
    static void setExecutable(Path p, boolean executable) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> want = now.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(now);
        if (executable) {
            want.add(PosixFilePermission.OWNER_EXECUTE);
            if (want.contains(PosixFilePermission.GROUP_READ)) want.add(PosixFilePermission.GROUP_EXECUTE);
            if (want.contains(PosixFilePermission.OTHERS_READ)) want.add(PosixFilePermission.OTHERS_EXECUTE);
        } else {
            want.removeAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        if (!want.equals(now)) Files.setPosixFilePermissions(p, want);
    }

    static String describe(PosixFileAttributes a) {
        if (a.isSymbolicLink()) return "symlink";
        if (a.isDirectory()) return "directory";
        if (a.isRegularFile()) return "file";
        return "special file";
    }
}
