package dev.engine.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the files the audit trail names (logs, case files, answers, patches) for display. A name
 * comes from a file a stage or a model could have influenced, so it is taken only when it resolves,
 * symlinks followed, to a regular file inside one of the home's runtime folders, and only the end
 * of a large file is read.
 */
final class SafeFiles {
    /** The end of a file, and whether its beginning was left out. */
    record Tail(String text, boolean cut, long size) {}

    private final Path home;
    private final List<Path> roots;

    /** @param roots the folders files may be read from (e.g. the home's logs/, escalations/, patches/) */
    SafeFiles(Path home, List<Path> roots) {
        this.home = home.toAbsolutePath().normalize();
        this.roots = roots.stream().map(r -> r.toAbsolutePath().normalize()).toList();
    }

    /** The file {@code relative} to the home, if it is one that may be shown. */
    Optional<Path> resolve(String relative) {
        if (relative == null || relative.isBlank() || relative.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Path p;
        try {
            p = Path.of(relative);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        Path abs = p.isAbsolute() ? p.normalize() : home.resolve(p).normalize();
        for (Path root : roots) {
            if (!abs.startsWith(root)) {
                continue;
            }
            try {
                Path real = abs.toRealPath();
                Path realRoot = root.toRealPath();
                if (real.startsWith(realRoot) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.of(real);
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The last {@code maxBytes} of the file (from a line start when cut), as UTF-8 text. */
    Optional<Tail> tail(String relative, int maxBytes) {
        Optional<Path> file = resolve(relative);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file.get(), StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.max(0, size - maxBytes);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
            ch.position(from);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read on
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            if (from > 0) {
                int nl = text.indexOf('\n');
                text = nl < 0 ? text : text.substring(nl + 1);
            }
            return Optional.of(new Tail(text, from > 0, size));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last {@code lines} lines of the file's last {@code maxBytes}. */
    Optional<Tail> lastLines(String relative, int lines, int maxBytes) {
        return tail(relative, maxBytes).map(t -> {
            String[] all = t.text().split("\n", -1);
            int end = all.length;
            if (end > 0 && all[end - 1].isEmpty()) {
                end--;
            }
            int start = Math.max(0, end - lines);
            return new Tail(String.join("\n", Arrays.asList(all).subList(start, end)), t.cut() || start > 0, t.size());
        });
    }
}
