package dev.engine.git;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/**
 * File operations on workspace-relative paths under a root directory that never follow a symlink
 * below the root: before anything is read, written or deleted at {@code a/b/c}, {@code a} and
 * {@code a/b} are checked (without following links) to be real directories. Otherwise a link
 * planted by a stage or a tree ({@code a -> /home/user}) would let a write or delete land outside.
 */
final class SafeTree {
    private final Path root;
    /** Directories already seen to be real during this operation; cleared whenever one is removed. */
    private final Set<String> realDirs = new HashSet<>();

    SafeTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path resolve(String rel) {
        return root.resolve(rel);
    }

    /** The attributes of the entry itself (a symlink is not followed), or null when nothing is there. */
    static PosixFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            // ENOTDIR: a parent is a file, so nothing is at this path.
            if (e.getMessage() != null && e.getMessage().contains("Not a directory")) return null;
            throw e;
        }
    }

    /** Whether every parent directory of {@code rel} under the root is a real directory (not a link, not missing). */
    boolean parentsAreDirs(String rel) throws IOException {
        int slash = -1;
        while ((slash = rel.indexOf('/', slash + 1)) > 0) {
            String dir = rel.substring(0, slash);
            if (realDirs.contains(dir)) continue;
            PosixFileAttributes a = lstat(root.resolve(dir));
            if (a == null || !a.isDirectory() || a.isSymbolicLink()) return false;
            realDirs.add(dir);
        }
        return true;
    }

    /** What {@link #makeParents} does with something other than a directory in the way. */
    interface Obstacle {
        /** Returns true to replace it with a directory, false to give up. */
        boolean replace(String rel, PosixFileAttributes what) throws IOException;
    }

    /**
     * Makes every parent of {@code rel} a real directory. A missing one is created; anything else
     * in the way (file, symlink) is removed only when {@code obstacle} says so.
     *
     * @return false when an obstacle was kept, so nothing may be written at {@code rel}
     */
    boolean makeParents(String rel, Obstacle obstacle) throws IOException {
        int slash = -1;
        while ((slash = rel.indexOf('/', slash + 1)) > 0) {
            String dir = rel.substring(0, slash);
            if (realDirs.contains(dir)) continue;
            Path p = root.resolve(dir);
            PosixFileAttributes a = lstat(p);
            if (a != null && a.isDirectory() && !a.isSymbolicLink()) {
                realDirs.add(dir);
                continue;
            }
            if (a != null) {
                if (!obstacle.replace(dir, a)) return false;
                Files.delete(p); // a file or the link itself, never what it points to
            }
            Files.createDirectory(p);
            realDirs.add(dir);
        }
        return true;
    }

    /** Deletes a file, a symlink or a whole directory tree at {@code rel}; links inside are removed, not followed. */
    void deleteAny(String rel) throws IOException {
        Path p = root.resolve(rel);
        PosixFileAttributes a = lstat(p);
        if (a == null) return;
        if (a.isDirectory() && !a.isSymbolicLink()) {
            deleteTree(p);
            realDirs.clear();
        } else {
            Files.delete(p);
        }
    }

    /**
     * Deletes a directory tree without following links (a link is visited as a file and unlinked).
     * Directories whose owner lost rwx (an executor may chmod anything in its scratch dir) get it back first.
     */
    static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                ownerRwx(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                PosixFileAttributes a = lstat(file);
                if (e instanceof AccessDeniedException && a != null && a.isDirectory() && !a.isSymbolicLink()) {
                    ownerRwx(file);
                    deleteTree(file);
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void ownerRwx(Path d) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(d, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> want = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        if (!perms.containsAll(want)) {
            want.addAll(perms);
            Files.setPosixFilePermissions(d, want);
        }
    }

    /** Removes the now-empty parent directories of {@code rel}, as git does when it deletes a file. */
    void pruneEmptyParents(String rel) throws IOException {
        String dir = rel;
        int slash;
        while ((slash = dir.lastIndexOf('/')) > 0) {
            dir = dir.substring(0, slash);
            Path p = root.resolve(dir);
            PosixFileAttributes a = lstat(p);
            if (a == null || !a.isDirectory() || a.isSymbolicLink()) return;
            try {
                Files.delete(p);
                realDirs.remove(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return; // not a directory, or not ours to remove: leave it
            }
        }
    }

    static String describe(PosixFileAttributes a) {
        if (a.isSymbolicLink()) return "symlink";
        if (a.isDirectory()) return "directory";
        if (a.isRegularFile()) return "file";
        return "special file";
    }
}
