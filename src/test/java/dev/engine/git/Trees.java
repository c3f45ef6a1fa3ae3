package dev.engine.git;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Directory trees as comparable maps: path to "file <sha256> [x]" or "link <target>"; .git left out. */
final class Trees {
    private Trees() {}

    static Map<String, String> of(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return d.getFileName().toString().equals(".git") && !d.equals(root) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                out.put(root.relativize(f).toString(), describe(f));
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    static String describe(Path f) throws IOException {
        if (Files.isSymbolicLink(f)) return "link " + Files.readSymbolicLink(f);
        boolean x = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
            return "file " + HexFormat.of().formatHex(sha) + (x ? " x" : "");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files of {@code commit} as git itself writes them ({@code git archive | tar -x}). */
    static Map<String, String> ofCommit(GitRepo repo, String commit, Path scratch) throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Process p = new ProcessBuilder("sh", "-c", "git -C \"$1\" archive \"$2\" | tar -x -C \"$3\"", "sh",
                repo.dir.toString(), commit, scratch.toString()).inheritIO().start();
        if (p.waitFor() != 0) throw new AssertionError("git archive failed");
        return of(scratch);
    }
}
