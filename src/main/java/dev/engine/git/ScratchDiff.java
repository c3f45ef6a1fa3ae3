package dev.engine.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.util.QuotedString;

/**
 * A git-style unified diff of a directory against a tree, computed on raw bytes: no ignore rules,
 * attributes, eol conversion or clean filters, so what the diff says is exactly what is on disk.
 * Headers follow {@code git diff --full-index}; binary and non-UTF-8 content, mode changes and
 * symlinks are reported the way git reports them, so the patch checker can refuse them.
 */
final class ScratchDiff {
    /** Bigger files are reported as binary without being loaded: no executor fix is this large. */
    static final long MAX_TEXT = 8L << 20;
    /** git's buffer_is_binary looks at this many leading bytes for a NUL. */
    private static final int BINARY_PROBE = 8000;

    private ScratchDiff() {}

    private record Side(FileMode mode, ObjectId id, byte[] content, boolean binary) {}

    static String diff(ObjectReader reader, RevTree base, Path dir, Set<String> notCheckedOut) throws IOException {
        Map<String, FileMode> baseModes = new TreeMap<>();
        Map<String, ObjectId> baseIds = new TreeMap<>();
        Set<String> gitlinks = new TreeSet<>();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(base);
            walk.setRecursive(true);
            while (walk.next()) {
                String path = walk.getPathString();
                if (walk.getFileMode(0) == FileMode.GITLINK) {
                    gitlinks.add(path);
                    continue;
                }
                baseModes.put(path, walk.getFileMode(0));
                baseIds.put(path, walk.getObjectId(0));
            }
        }
        Map<String, Path> work = workFiles(dir, gitlinks);
        Set<String> paths = new TreeSet<>(baseModes.keySet());
        paths.addAll(work.keySet());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiffFormatter hunks = new DiffFormatter(out);
        hunks.setContext(3);
        ObjectInserter.Formatter hasher = new ObjectInserter.Formatter();
        for (String path : paths) {
            Path file = work.get(path);
            if (file == null && notCheckedOut.contains(path)) continue; // never written, so not deleted either
            Side a = baseModes.containsKey(path) ? baseSide(reader, baseModes.get(path), baseIds.get(path)) : null;
            Side b = file != null ? workSide(file, a, hasher) : null;
            if (a == null && b == null) continue;
            if (a != null && b != null && a.mode().equals(b.mode()) && a.id().equals(b.id())) continue;
            if (a != null && b != null && a.mode().getObjectType() == b.mode().getObjectType()
                    && isSymlink(a.mode()) == isSymlink(b.mode())) {
                block(out, hunks, path, a, b);
            } else {
                // A type change (file <-> symlink) is a deletion and an addition, as git prints it.
                if (a != null) block(out, hunks, path, a, null);
                if (b != null) block(out, hunks, path, null, b);
            }
        }
        hunks.flush();
        // Text sides were checked to be UTF-8 and binary ones print no content, so this decode is lossless.
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isSymlink(FileMode mode) {
        return mode == FileMode.SYMLINK;
    }

    private static Side baseSide(ObjectReader reader, FileMode mode, ObjectId id) throws IOException {
        if (reader.getObjectSize(id, Constants.OBJ_BLOB) > MAX_TEXT) return new Side(mode, id, null, true);
        byte[] content = reader.open(id, Constants.OBJ_BLOB).getCachedBytes();
        return new Side(mode, id, content, isBinary(content));
    }

    private static Side workSide(Path file, Side base, ObjectInserter.Formatter hasher) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            Path target = Files.readSymbolicLink(file);
            // Java normalizes "dir/" to "dir" when it creates a link; the tree's spelling stands for both.
            if (base != null && isSymlink(base.mode()) && !base.binary()
                    && target.equals(Path.of(new String(base.content(), StandardCharsets.UTF_8)))) {
                return base;
            }
            byte[] content = target.toString().getBytes(StandardCharsets.UTF_8);
            return new Side(FileMode.SYMLINK, hasher.idFor(Constants.OBJ_BLOB, content), content, isBinary(content));
        }
        boolean executable = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
        FileMode mode = executable ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
        if (a.size() > MAX_TEXT) {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return new Side(mode, hasher.idFor(Constants.OBJ_BLOB, a.size(), in), null, true);
            }
        }
        byte[] content = Files.readAllBytes(file);
        return new Side(mode, hasher.idFor(Constants.OBJ_BLOB, content), content, isBinary(content));
    }

    /** Binary as git decides it (a NUL early on), plus anything that is not UTF-8, which a text patch could not carry. */
    static boolean isBinary(byte[] content) {
        for (int i = 0; i < Math.min(content.length, BINARY_PROBE); i++) {
            if (content[i] == 0) return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content));
            return false;
        } catch (CharacterCodingException e) {
            return true;
        }
    }

    /** One {@code diff --git} section; {@code a} null is an addition, {@code b} null a deletion. */
    private static void block(ByteArrayOutputStream out, DiffFormatter hunks, String path, Side a, Side b) throws IOException {
        String oldName = quote("a/" + path);
        String newName = quote("b/" + path);
        line(out, "diff --git " + oldName + " " + newName);
        if (a == null) {
            line(out, "new file mode " + b.mode());
        } else if (b == null) {
            line(out, "deleted file mode " + a.mode());
        } else if (!a.mode().equals(b.mode())) {
            line(out, "old mode " + a.mode());
            line(out, "new mode " + b.mode());
        }
        ObjectId oldId = a == null ? ObjectId.zeroId() : a.id();
        ObjectId newId = b == null ? ObjectId.zeroId() : b.id();
        if (a != null && b != null && oldId.equals(newId)) return; // mode change only
        String index = "index " + oldId.name() + ".." + newId.name();
        if (a != null && b != null && a.mode().equals(b.mode())) index += " " + a.mode();
        line(out, index);
        String from = a == null ? "/dev/null" : oldName;
        String to = b == null ? "/dev/null" : newName;
        if ((a != null && a.binary()) || (b != null && b.binary())) {
            line(out, "Binary files " + from + " and " + to + " differ");
            return;
        }
        byte[] oldContent = a == null ? new byte[0] : a.content();
        byte[] newContent = b == null ? new byte[0] : b.content();
        if (oldContent.length == 0 && newContent.length == 0) return; // an empty file: git prints no hunk either
        // git ends a name containing a space with a TAB, so that patch(1) finds where it stops.
        String tab = path.indexOf(' ') >= 0 ? "\t" : "";
        line(out, "--- " + from + (a == null ? "" : tab));
        line(out, "+++ " + to + (b == null ? "" : tab));
        hunks.flush();
        RawText oldText = new RawText(oldContent);
        RawText newText = new RawText(newContent);
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, oldText, newText);
        hunks.format(edits, oldText, newText);
        hunks.flush();
    }

    private static String quote(String name) {
        return QuotedString.GIT_PATH.quote(name);
    }

    private static void line(ByteArrayOutputStream out, String s) {
        out.writeBytes((s + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Files and symlinks under {@code dir}, by workspace path; .git folders and submodule paths are not content. */
    private static Map<String, Path> workFiles(Path dir, Set<String> gitlinks) throws IOException {
        Map<String, Path> out = new TreeMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (d.equals(dir)) return FileVisitResult.CONTINUE;
                String rel = dir.relativize(d).toString();
                if (d.getFileName().toString().equals(Constants.DOT_GIT) || gitlinks.contains(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                String rel = dir.relativize(f).toString();
                if ((attrs.isRegularFile() || attrs.isSymbolicLink()) && !gitlinks.contains(rel)
                        && !f.getFileName().toString().equals(Constants.DOT_GIT)) {
                    out.put(rel, f);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }
}
