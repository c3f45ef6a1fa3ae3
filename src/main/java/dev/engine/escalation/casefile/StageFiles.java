package dev.engine.escalation.casefile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the files a stage's {@code files} list names from a checkout. The list is configuration,
 * but it is read on behalf of a model, so it gets the same path rules as a patch (DESIGN.md §6 I4):
 * relative, no {@code ..}, nothing under {@code .git}, and no symlink is followed, neither as the
 * file nor as a directory on the way to it. An entry that breaks a rule is listed as refused and
 * nothing is read for it.
 *
 * <p>Entries may be files, directories (with or without a trailing '/') or globs ({@code *},
 * {@code **}, {@code ?}, {@code [..]}, {@code {a,b}}), matched against paths relative to the root.
 */
final class StageFiles {
    static final long MAX_BYTES = 4L << 20;
    static final int MAX_PER_ENTRY = 100;
    static final int MAX_FILES = 200;

    enum Skip { MISSING, REFUSED, BINARY, LIMIT }

    /** A readable text file. {@code text} is raw (not yet redacted); {@code cut} says it was longer than {@link #MAX_BYTES}. */
    record Found(String path, String text, long size, boolean cut) {}

    record Skipped(String entry, Skip kind, String reason) {}

    record Result(List<Found> files, List<Skipped> skipped, List<String> scope) {}

    private final Path root;
    private final Path realRoot;
    private final Map<String, Found> found = new LinkedHashMap<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private final List<String> scope = new ArrayList<>();
    /** False when only the selection is wanted (validate): nothing is read, every selected file counts as found. */
    private boolean contents = true;

    private StageFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "the checkout the stage's files are read from is not a directory");
        }
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = this.root.toRealPath();
    }

    static Result read(Path filesRoot, List<String> entries) throws IOException {
        StageFiles s = new StageFiles(filesRoot);
        for (String entry : entries) s.entry(entry);
        return new Result(List.copyOf(s.found.values()), List.copyOf(s.skipped), List.copyOf(s.scope));
    }

    /** The entries' selection and what is skipped, as {@link #read} makes it, without reading any file. */
    static Result select(Path filesRoot, List<String> entries) throws IOException {
        StageFiles s = new StageFiles(filesRoot);
        s.contents = false;
        for (String entry : entries) s.entry(entry);
        return new Result(List.copyOf(s.found.values()), List.copyOf(s.skipped), List.copyOf(s.scope));
    }

    /** Why an entry may not be read, or empty when its form is acceptable. */
    static Optional<String> problem(String entry) {
        if (entry.isBlank()) return Optional.of("empty entry");
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c < 0x20 || c == 0x7f) return Optional.of("control character in the path");
        }
        String e = entry.strip().replace('\\', '/');
        if (e.startsWith("/") || e.startsWith("~") || e.matches("^[A-Za-z]:.*")) {
            return Optional.of("absolute path; files must be relative to the workspace");
        }
        for (String seg : e.split("/")) {
            if (seg.equals("..")) return Optional.of("path leaves the workspace (..)");
            String t = seg.toLowerCase(Locale.ROOT).replaceAll("[. ]+$", "");
            if (t.equals(".git") || t.matches("git~\\d+")) return Optional.of("inside .git");
        }
        return Optional.empty();
    }

    /** "a//b/./c/" as "a/b/c" (the entry has passed {@link #problem}). */
    static String normalize(String entry) {
        List<String> out = new ArrayList<>();
        for (String seg : entry.strip().replace('\\', '/').split("/")) {
            if (!seg.isEmpty() && !seg.equals(".")) out.add(seg);
        }
        return String.join("/", out);
    }

    private static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    private void entry(String entry) throws IOException {
        if (entry == null) return;
        Optional<String> bad = problem(entry);
        if (bad.isPresent()) {
            skipped.add(new Skipped(entry, Skip.REFUSED, bad.get()));
            return;
        }
        String rel = normalize(entry);
        if (rel.isEmpty()) {
            skipped.add(new Skipped(entry, Skip.REFUSED, "names the whole workspace"));
            return;
        }
        scope.add(entry.strip().endsWith("/") ? rel + "/" : rel);
        if (isGlob(rel)) {
            glob(entry, rel);
            return;
        }
        Path p = root;
        for (String seg : rel.split("/")) {
            p = p.resolve(seg);
            if (Files.isSymbolicLink(p)) {
                skipped.add(new Skipped(entry, Skip.REFUSED, "symlink " + root.relativize(p) + " is not followed"));
                return;
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                skipped.add(new Skipped(entry, Skip.MISSING, "does not exist in the checkout"));
                return;
            }
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            List<String> under = walk(p, entry, null);
            if (under.isEmpty()) skipped.add(new Skipped(entry, Skip.MISSING, "directory holds no file"));
            take(entry, under);
        } else {
            take(entry, List.of(rel));
        }
    }

    private void glob(String entry, String rel) throws IOException {
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + rel);
        } catch (IllegalArgumentException e) {
            skipped.add(new Skipped(entry, Skip.REFUSED, "not a valid glob: " + e.getMessage()));
            return;
        }
        // Walk only below the glob's literal prefix: "cluster/**/x.yaml" need not visit the whole tree.
        List<String> literal = new ArrayList<>();
        for (String seg : rel.split("/")) {
            if (isGlob(seg)) break;
            literal.add(seg);
        }
        Path start = root;
        for (String seg : literal) {
            start = start.resolve(seg);
            if (Files.isSymbolicLink(start) || !Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
                skipped.add(new Skipped(entry, Skip.MISSING, "glob matches no file"));
                return;
            }
        }
        List<String> matches = walk(start, entry, matcher);
        if (matches.isEmpty()) skipped.add(new Skipped(entry, Skip.MISSING, "glob matches no file"));
        take(entry, matches);
    }

    /** Regular files below {@code dir}, sorted, without following symlinks; symlinks met are listed as refused. */
    private List<String> walk(Path dir, String entry, PathMatcher matcher) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        // Visit order is the filesystem's: collect, then report sorted, so the case file does not depend on it.
        Map<String, Skipped> met = new TreeMap<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(dir) && problem(root.relativize(d).toString()).isPresent()) return FileVisitResult.SKIP_SUBTREE;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                Path rel = root.relativize(f);
                if (matcher != null && !matcher.matches(rel)) return FileVisitResult.CONTINUE;
                String r = rel.toString().replace('\\', '/');
                if (attrs.isSymbolicLink()) {
                    met.put(r, new Skipped(r, Skip.REFUSED, "symlink is not followed"));
                } else if (attrs.isRegularFile()) {
                    out.add(r);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                String r = root.relativize(f).toString();
                met.put(r, new Skipped(r, Skip.MISSING, "cannot be read: " + e.getMessage()));
                return FileVisitResult.CONTINUE;
            }
        });
        skipped.addAll(met.values());
        List<String> list = new ArrayList<>(out);
        if (list.size() > MAX_PER_ENTRY) {
            skipped.add(new Skipped(entry, Skip.LIMIT, list.size() + " files; only the first " + MAX_PER_ENTRY + " by path are considered"));
            list = list.subList(0, MAX_PER_ENTRY);
        }
        return list;
    }

    private void take(String entry, List<String> rels) throws IOException {
        int dropped = 0;
        for (String rel : rels) {
            if (found.containsKey(rel)) continue;
            if (found.size() >= MAX_FILES) {
                dropped++;
                continue;
            }
            if (contents) {
                read(rel);
            } else {
                found.put(rel, new Found(rel, "", 0, false));
            }
        }
        if (dropped > 0) {
            skipped.add(new Skipped(entry, Skip.LIMIT, dropped + " more files not considered: a case file holds at most " + MAX_FILES));
        }
    }

    private void read(String rel) throws IOException {
        Path p = root.resolve(rel);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            skipped.add(new Skipped(rel, Skip.MISSING, "not a regular file"));
            return;
        }
        // Belt and braces: no component was a symlink, so the real path must be inside the root.
        if (!p.toRealPath().startsWith(realRoot)) {
            skipped.add(new Skipped(rel, Skip.REFUSED, "resolves outside the workspace"));
            return;
        }
        long size = Files.size(p);
        byte[] bytes;
        // NOFOLLOW_LINKS opens with O_NOFOLLOW: a file swapped for a symlink after the checks is not read.
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, MAX_BYTES) + 1);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading
            }
            bytes = Arrays.copyOf(buf.array(), buf.position());
        } catch (IOException e) {
            skipped.add(new Skipped(rel, Skip.MISSING, "cannot be read: " + e.getMessage()));
            return;
        }
        boolean cut = bytes.length > MAX_BYTES;
        if (cut) {
            int end = (int) MAX_BYTES;
            while (end > 0 && bytes[end - 1] != '\n') end--; // whole lines only, never half a UTF-8 sequence
            bytes = Arrays.copyOf(bytes, end);
        }
        for (byte b : bytes) {
            if (b == 0) {
                skipped.add(new Skipped(rel, Skip.BINARY, "binary (NUL bytes), " + size + " bytes"));
                return;
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            skipped.add(new Skipped(rel, Skip.BINARY, "not UTF-8 text, " + size + " bytes"));
            return;
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        found.put(rel, new Found(rel, text, size, cut));
    }
}
