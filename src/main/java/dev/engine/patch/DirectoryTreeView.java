package dev.engine.patch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A {@link TreeView} over a directory. It never follows a symlink and never looks outside the
 * root, even when asked about a hostile path, so the checker can call it on any path.
 */
public final class DirectoryTreeView implements TreeView {
    private final Path root;

    public DirectoryTreeView(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }

    @Override
    public Optional<String> read(String path) throws IOException {
        Optional<Path> file = resolve(path);
        if (file.isEmpty() || !Files.isRegularFile(file.get(), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (anyComponentIsSymlink(path)) {
            throw new IOException(path + ": refusing to read through a symlink");
        }
        byte[] bytes = Files.readAllBytes(file.get());
        return Optional.of(StrictUtf8.decode(path, bytes));
    }

    @Override
    public boolean exists(String path) {
        return resolve(path).map(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).orElse(false);
    }

    @Override
    public boolean isSymlink(String path) {
        return resolve(path).map(Files::isSymbolicLink).orElse(false);
    }

    @Override
    public boolean isDirectory(String path) {
        return resolve(path).map(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).orElse(false);
    }

    @Override
    public Set<String> topLevelEntries() {
        return list("");
    }

    @Override
    public Set<String> list(String dir) {
        Optional<Path> at = dir.isEmpty() ? Optional.of(root) : resolve(dir);
        if (at.isEmpty() || !Files.isDirectory(at.get(), LinkOption.NOFOLLOW_LINKS)
                || !dir.isEmpty() && anyComponentIsSymlink(dir)) {
            return Set.of();
        }
        try (Stream<Path> entries = Files.list(at.get())) {
            Set<String> names = new TreeSet<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            return Set.copyOf(names);
        } catch (IOException e) {
            return Set.of();
        }
    }

    private boolean anyComponentIsSymlink(String path) {
        String[] parts = path.split("/");
        StringBuilder prefix = new StringBuilder();
        for (String part : parts) {
            if (prefix.length() > 0) prefix.append('/');
            prefix.append(part);
            if (isSymlink(prefix.toString())) return true;
        }
        return false;
    }

    /** Empty for anything that is not a plain relative path staying inside the root. */
    private Optional<Path> resolve(String path) {
        if (path == null || path.isEmpty() || path.indexOf('\0') >= 0 || path.startsWith("/")
                || path.contains("\\")) {
            return Optional.empty();
        }
        try {
            Path p = root.resolve(path).normalize();
            return p.startsWith(root) && !p.equals(root) ? Optional.of(p) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
