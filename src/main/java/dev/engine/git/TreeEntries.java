package dev.engine.git;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The files of one commit as a checkout will materialize them: tree order, paths that could not
 * be written safely (.git, '..', escaping symlinks) left out with a warning.
 */
final class TreeEntries {
    /** A symlink target longer than this is no symlink a homelab repository needs. */
    private static final int MAX_LINK_TARGET = 4096;
    /** Symlink hops followed while deciding whether a link stays inside the checkout (Linux allows 40). */
    private static final int MAX_HOPS = 40;

    enum Kind { FILE, EXECUTABLE, SYMLINK, GITLINK }

    /** {@code linkTarget} is set for symlinks only. */
    record Entry(String path, Kind kind, ObjectId id, String linkTarget) {
        int rawMode() {
            return switch (kind) {
                case FILE -> FileMode.REGULAR_FILE.getBits();
                case EXECUTABLE -> FileMode.EXECUTABLE_FILE.getBits();
                case SYMLINK -> FileMode.SYMLINK.getBits();
                case GITLINK -> FileMode.GITLINK.getBits();
            };
        }
    }

    /** What a checkout writes, and the paths it could not (they are absent from the checkout). */
    record Tree(Map<String, Entry> entries, Set<String> skipped) {}

    private TreeEntries() {}

    static Tree read(ObjectReader reader, RevTree tree, Warnings warnings) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Set<String> skipped = new TreeSet<>();
        try (TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                String path = walk.getPathString();
                FileMode mode = walk.getFileMode(0);
                String bad = invalidPath(path);
                if (bad != null) {
                    warnings.add("not checked out: " + path + " (" + bad + ")");
                    skipped.add(path);
                    continue;
                }
                ObjectId id = walk.getObjectId(0);
                if (mode == FileMode.REGULAR_FILE) {
                    entries.put(path, new Entry(path, Kind.FILE, id, null));
                } else if (mode == FileMode.EXECUTABLE_FILE) {
                    entries.put(path, new Entry(path, Kind.EXECUTABLE, id, null));
                } else if (mode == FileMode.GITLINK) {
                    entries.put(path, new Entry(path, Kind.GITLINK, id, null));
                } else if (mode == FileMode.SYMLINK) {
                    String target = linkTarget(reader, id);
                    if (target == null) {
                        warnings.add("not checked out: symlink " + path + " (its target is not a valid path)");
                        skipped.add(path);
                    } else {
                        entries.put(path, new Entry(path, Kind.SYMLINK, id, target));
                    }
                } else {
                    warnings.add("not checked out: " + path + " (unknown file mode " + mode + ")");
                    skipped.add(path);
                }
            }
        }
        // Decided on the whole tree: a link may escape through another tracked link.
        Map<String, String> links = new LinkedHashMap<>();
        entries.values().stream().filter(e -> e.kind() == Kind.SYMLINK).forEach(e -> links.put(e.path(), e.linkTarget()));
        for (Map.Entry<String, String> link : links.entrySet()) {
            if (!staysInside(link.getKey(), link.getValue(), links)) {
                warnings.add("not checked out: symlink " + link.getKey() + " -> " + link.getValue()
                        + " points outside the checkout");
                entries.remove(link.getKey());
                skipped.add(link.getKey());
            }
        }
        return new Tree(entries, Collections.unmodifiableSet(skipped));
    }

    /** Why a tree path must not be written under the checkout, or null when it is fine. */
    static String invalidPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) return "not a relative path";
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return "'.', '..' or empty path segment";
            if (segment.equalsIgnoreCase(Constants.DOT_GIT)) return "a .git path segment";
        }
        return null;
    }

    private static String linkTarget(ObjectReader reader, ObjectId id) throws IOException {
        if (reader.getObjectSize(id, Constants.OBJ_BLOB) > MAX_LINK_TARGET) return null;
        byte[] raw = reader.open(id, Constants.OBJ_BLOB).getCachedBytes();
        if (raw.length == 0) return null;
        for (byte b : raw) if (b == 0) return null;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Whether following the link at {@code linkPath} stays inside the checkout root, resolving
     * the path the way the kernel would: component by component, expanding tracked symlinks met
     * on the way (so {@code a -> b/..} with {@code b -> ../..} escapes). Absolute targets escape.
     */
    static boolean staysInside(String linkPath, String target, Map<String, String> links) {
        Deque<String> at = new ArrayDeque<>();
        String[] parts = linkPath.split("/");
        for (int i = 0; i < parts.length - 1; i++) at.addLast(parts[i]);
        return resolve(at, target, links, new int[] {0});
    }

    private static boolean resolve(Deque<String> at, String target, Map<String, String> links, int[] hops) {
        if (target.startsWith("/")) return false;
        if (++hops[0] > MAX_HOPS) return false;
        for (String part : target.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (at.isEmpty()) return false;
                at.removeLast();
                continue;
            }
            at.addLast(part);
            String next = links.get(String.join("/", at));
            if (next != null) {
                at.removeLast();
                if (!resolve(at, next, links, hops)) return false;
            }
        }
        return true;
    }
}
