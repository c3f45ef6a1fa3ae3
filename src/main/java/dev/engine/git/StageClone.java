package dev.engine.git;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.state.AtomicFiles;
import dev.engine.state.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * The world a stage attempt runs in (DESIGN.md §8): a real git repository at the commit the stage
 * is to run (the AI branch tip, or main, or the last commit before one that waits for review),
 * borrowing the user's objects read-only. {@code git rev-parse}, {@code log}, {@code bundle},
 * {@code describe} and {@code status} work in it as in the user's tree.
 *
 * <p>Each {@link #sync} restores the engine's own {@code .git} settings, checks the target out
 * (tracked files a stage changed are restored; files it created stay) and makes the user's
 * git-ignored local files (env files, kubeconfig, talosconfig, {@code _out/}) visible as symlinks
 * to the originals; in the sandbox those originals are read-only. What the links point at is
 * recorded beside the clone, out of a stage's reach, so only links the engine made are ever removed.
 *
 * <p>One sync at a time: the caller holds the engine lock, and no stage runs during a sync.
 */
public final class StageClone {
    /** The home's runtime folders (DESIGN §2): never linked into the clone, never reported as uncommitted. */
    static final List<String> RUNTIME_DIRS = List.of("state", "logs", "escalations", "patches");
    private static final ObjectMapper JSON = Json.mapper();

    private final Path workspace;
    private final Path dir;
    private final Path home;
    private final String mainBranch;

    private StageClone(Path workspace, Path dir, Path home, String mainBranch) {
        this.workspace = workspace.toAbsolutePath().normalize();
        this.dir = dir.toAbsolutePath().normalize();
        this.home = home.toAbsolutePath().normalize();
        this.mainBranch = Objects.requireNonNull(mainBranch, "mainBranch");
        if (this.dir.getParent() == null) throw new IllegalArgumentException("the clone cannot be the file system root");
    }

    /** The clone in {@code dir} (normally {@code <home>/state/checkout}) of the workspace's repository. */
    public static StageClone at(Path workspace, Path dir, Path home, String mainBranch) {
        return new StageClone(workspace, dir, home, mainBranch);
    }

    public Path dir() {
        return dir;
    }

    /** The objects folder of the workspace's repository: what clones borrow, read-only in a sandbox. */
    public static Path objectsDir(Path workspace) throws IOException {
        try (Repository repo = CheckoutSource.open(workspace.toAbsolutePath().normalize())) {
            return ((FileRepository) repo).getObjectsDirectory().toPath().toAbsolutePath().normalize();
        }
    }

    /** Where the links the engine made are recorded: beside the clone, hidden from stages with the rest of state/. */
    Path linksFile() {
        return dir.resolveSibling(dir.getFileName() + ".links.json");
    }

    /**
     * What a sync did: the commit now checked out, how many local ignored files are linked in,
     * whether the clone was made anew, and what it could not do.
     */
    public record Result(String commit, int linked, boolean created, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    /** Brings the clone to {@code target} (a commit of the workspace's repository). */
    public Result sync(ObjectId target) throws IOException {
        Warnings warnings = new Warnings();
        boolean created = false;
        try (Repository source = CheckoutSource.open(workspace)) {
            List<String> excludes = runtimeExcludes();
            LocalClone.excludeInUserRepo(source, excludes);
            if (!LocalClone.isClone(dir)) {
                // Absent, or the manifest checkout of engines before 0.3: made anew.
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    SafeTree.deleteTree(dir);
                }
                Files.deleteIfExists(dir.resolveSibling(dir.getFileName() + ".manifest.json"));
                Files.deleteIfExists(linksFile());
                LocalClone.create(dir, source, mainBranch).close();
                created = true;
            }
            try {
                pointAt(source, target, excludes);
            } catch (IOException | RuntimeException e) {
                if (created) {
                    throw e;
                }
                // Disposable: a clone a killed engine or a stage left damaged is made anew.
                warnings.add("the stage clone could not be brought to " + target.name().substring(0, 10) + " (" + e.getMessage()
                        + "); made it anew");
                SafeTree.deleteTree(dir);
                LocalClone.create(dir, source, mainBranch).close();
                created = true;
                pointAt(source, target, excludes);
            }
            try (Repository clone = LocalClone.open(dir)) {
                Set<String> tracked = trackedPaths(clone);
                Map<String, String> want = wantedLinks(source, tracked, warnings);
                Map<String, String> made = refreshLinks(loadLinks(), want, tracked, warnings);
                storeLinks(made);
                return new Result(target.name(), made.size(), created, warnings.list());
            }
        }
    }

    private void pointAt(Repository source, ObjectId target, List<String> excludes) throws IOException {
        // The engine lock is held and no stage runs during a sync: a lock file left in the clone
        // is from a git (ours or a stage's) that was killed, and would block every sync after it.
        LocalClone.removeStaleLocks(dir);
        try (Repository clone = LocalClone.open(dir)) {
            LocalClone.pointAt(clone, source, target, mainBranch, excludes);
        }
    }

    /** The exclude lines for the home's runtime folders, relative to the workspace root ({@code /ai/state/}). */
    List<String> runtimeExcludes() {
        List<String> out = new ArrayList<>();
        for (String r : RUNTIME_DIRS) {
            relative(home.resolve(r)).ifPresent(rel -> out.add("/" + rel + "/"));
        }
        return out;
    }

    private static Set<String> trackedPaths(Repository clone) throws IOException {
        DirCache index = DirCache.read(clone);
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < index.getEntryCount(); i++) {
            out.add(index.getEntry(i).getPathString());
        }
        return out;
    }

    /** Ignored local files to link: workspace path to absolute target, minus paths the commit tracks. */
    private Map<String, String> wantedLinks(Repository source, Set<String> tracked, Warnings warnings) throws IOException {
        Map<String, String> want = new TreeMap<>();
        for (Map.Entry<String, Path> f : IgnoredFiles.find(source, workspace, excludedPaths(), warnings).entrySet()) {
            String rel = f.getKey();
            if (tracked.contains(rel) || hasTrackedParent(rel, tracked)) continue;
            want.put(rel, f.getValue().toString());
        }
        return want;
    }

    private static boolean hasTrackedParent(String rel, Set<String> tracked) {
        for (int slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
            if (tracked.contains(rel.substring(0, slash))) return true;
        }
        return false;
    }

    /** Workspace-relative folders the link walk must not enter: the engine's own output and this clone. */
    Set<String> excludedPaths() {
        Set<Path> homes = new LinkedHashSet<>(List.of(home, workspace, workspace.resolve("ai")));
        Set<String> out = new TreeSet<>();
        for (Path h : homes) {
            for (String runtime : RUNTIME_DIRS) relative(h.resolve(runtime)).ifPresent(out::add);
        }
        relative(dir).ifPresent(out::add);
        return out;
    }

    private Optional<String> relative(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!abs.startsWith(workspace) || abs.equals(workspace)) return Optional.empty();
        return Optional.of(workspace.relativize(abs).toString());
    }

    /**
     * Removes links whose local file went away (only links the engine made, still pointing where
     * it made them) and creates the missing ones, never over something a stage wrote.
     */
    private Map<String, String> refreshLinks(Map<String, String> old, Map<String, String> want, Set<String> tracked,
                                             Warnings warnings) throws IOException {
        SafeTree safe = new SafeTree(dir);
        for (Map.Entry<String, String> link : old.entrySet()) {
            String rel = link.getKey();
            if (link.getValue().equals(want.get(rel)) || tracked.contains(rel)) continue;
            if (isLink(safe, rel, link.getValue())) {
                Files.delete(safe.resolve(rel));
                safe.pruneEmptyParents(rel);
            }
        }
        Map<String, String> made = new TreeMap<>();
        for (Map.Entry<String, String> link : want.entrySet()) {
            String rel = link.getKey();
            String target = link.getValue();
            Path p;
            try {
                p = safe.resolve(rel);
            } catch (InvalidPathException ex) {
                warnings.add("local ignored file " + target + " is not visible to stages: " + ex.getMessage());
                continue;
            }
            String[] blocker = new String[1];
            if (!safe.makeParents(rel, (d, what) -> {
                blocker[0] = d;
                return false;
            })) {
                warnings.add("local ignored file " + rel + " is not visible to stages: " + blocker[0]
                        + " is not a directory in the clone");
                continue;
            }
            PosixFileAttributes a = SafeTree.lstat(p);
            if (a == null) {
                Files.createSymbolicLink(p, Path.of(target));
                made.put(rel, target);
            } else if (a.isSymbolicLink() && Files.readSymbolicLink(p).toString().equals(target)) {
                made.put(rel, target);
            } else if (a.isSymbolicLink() && Files.readSymbolicLink(p).toString().equals(old.get(rel))) {
                Files.delete(p); // ours, from a workspace that has since moved
                Files.createSymbolicLink(p, Path.of(target));
                made.put(rel, target);
            } else {
                warnings.add("local ignored file " + rel + " is not linked into the clone: a stage left a "
                        + SafeTree.describe(a) + " there, which is kept");
            }
        }
        return made;
    }

    private static boolean isLink(SafeTree safe, String rel, String target) throws IOException {
        if (!safe.parentsAreDirs(rel)) return false;
        PosixFileAttributes a = SafeTree.lstat(safe.resolve(rel));
        return a != null && a.isSymbolicLink() && Files.readSymbolicLink(safe.resolve(rel)).toString().equals(target);
    }

    private Map<String, String> loadLinks() throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(linksFile());
            return JSON.readValue(bytes, new TypeReference<TreeMap<String, String>>() {});
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            return Map.of(); // unreadable record: no link is removed, wanted ones are made again
        }
    }

    private void storeLinks(Map<String, String> links) throws IOException {
        byte[] content = (JSON.writeValueAsString(links) + "\n").getBytes(StandardCharsets.UTF_8);
        Path f = linksFile();
        if (Files.isRegularFile(f) && Arrays.equals(Files.readAllBytes(f), content)) return;
        AtomicFiles.write(f, content, AtomicFiles.Sync.CONTENT);
    }
}
