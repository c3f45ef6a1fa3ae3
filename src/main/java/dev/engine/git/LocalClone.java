package dev.engine.git;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.URIish;

/**
 * A real git repository that borrows the user's objects read-only ({@code objects/info/alternates},
 * as {@code git clone --shared} makes it), so {@code git rev-parse}, {@code log}, {@code bundle},
 * {@code describe} and {@code status} work in it as in the user's tree while nothing done in it can
 * reach the user's refs, index or working tree (I1).
 *
 * <p>Everything in its {@code .git} that git would act on by itself is rewritten by the engine on
 * every {@link #pointAt}: the config (no hooks path, no fsmonitor, no filters, no remote pointing at
 * the user's repository), the hooks folder (emptied) and the alternates file. A stage may write in
 * its clone; what it writes there never becomes the next run's configuration.
 */
final class LocalClone {
    /** Marks the runtime-folder lines the engine adds to a repository's info/exclude. */
    static final String EXCLUDE_MARK = "# engine runtime folders (written by engine; never committed)";

    private LocalClone() {}

    /** Whether {@code dir} holds a clone this class made (and not, say, the old manifest checkout). */
    static boolean isClone(Path dir) {
        Path git = dir.resolve(Constants.DOT_GIT);
        return Files.isDirectory(git, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(git.resolve("objects/info/alternates"), LinkOption.NOFOLLOW_LINKS);
    }

    /** Makes {@code dir} (absent or empty) a repository that borrows {@code source}'s objects, and opens it. */
    static Repository create(Path dir, Repository source, String mainBranch) throws IOException {
        Files.createDirectories(dir);
        try {
            Git.init().setDirectory(dir.toFile()).setInitialBranch(mainBranch).call().close();
        } catch (GitAPIException e) {
            throw new IOException("cannot create a git repository in " + dir + ": " + e.getMessage(), e);
        }
        writeAlternates(dir, source);
        return open(dir);
    }

    /** Removes git's lock files in a clone (index, HEAD, config, packed-refs, refs): only safe while nothing runs git there. */
    static void removeStaleLocks(Path dir) throws IOException {
        Path git = dir.resolve(Constants.DOT_GIT);
        for (String name : List.of("index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock")) {
            Files.deleteIfExists(git.resolve(name));
        }
        Path refs = git.resolve("refs");
        if (Files.isDirectory(refs, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> all = Files.walk(refs)) {
                for (Path p : all.filter(f -> f.getFileName().toString().endsWith(".lock"))
                        .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static Repository open(Path dir) throws IOException {
        return new FileRepositoryBuilder().setWorkTree(dir.toFile()).setGitDir(dir.resolve(Constants.DOT_GIT).toFile())
                .setMustExist(true).build();
    }

    /** The objects folder a clone borrows; the user's own alternates are followed by git from there. */
    static void writeAlternates(Path dir, Repository source) throws IOException {
        Path info = dir.resolve(".git/objects/info");
        Files.createDirectories(info);
        Path objects = ((FileRepository) source).getObjectsDirectory().toPath().toAbsolutePath().normalize();
        replace(info.resolve("alternates"), objects + "\n");
    }

    /**
     * Checks the clone out at {@code target} on a local branch named {@code mainBranch} (what a
     * stage's {@code git rev-parse --abbrev-ref HEAD} expects), with the user's tags and
     * remote-tracking refs mirrored, after the engine's own {@code .git} settings are restored.
     * Tracked files a stage changed or removed are restored; files a stage created are left.
     */
    static void pointAt(Repository clone, Repository source, ObjectId target, String mainBranch, List<String> excludeLines)
            throws IOException {
        Path dir = clone.getWorkTree().toPath();
        writeAlternates(dir, source);
        writeConfig(clone, source);
        emptyHooks(dir);
        writeExclude(dir, source, excludeLines);
        mirrorRefs(clone, source);
        RefUpdate head = clone.updateRef(Constants.HEAD);
        head.disableRefLog();
        head.link(Constants.R_HEADS + mainBranch);
        try (Git git = Git.wrap(clone)) {
            git.reset().setMode(ResetCommand.ResetType.HARD).setRef(target.name()).setProgressMonitor(NullProgressMonitor.INSTANCE)
                    .call();
        } catch (GitAPIException e) {
            throw new IOException("cannot check out " + target.name() + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The clone's config from scratch: nothing a stage wrote there (core.hooksPath, core.fsmonitor,
     * a clean/smudge filter, an alias, includes) survives into the next run. The user's remotes are
     * kept so a stage can push where the user's tree would, except remotes that point at the user's
     * own repository on this disk: a push there could move main.
     */
    static void writeConfig(Repository clone, Repository source) throws IOException {
        StoredConfig src = source.getConfig();
        StoredConfig cfg = clone.getConfig();
        cfg.clear();
        cfg.setInt(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_REPO_FORMAT_VERSION, 0);
        cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_FILEMODE, true);
        cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_BARE, false);
        cfg.setBoolean(ConfigConstants.CONFIG_CORE_SECTION, null, ConfigConstants.CONFIG_KEY_LOGALLREFUPDATES, false);
        Path userGit = source.getDirectory().toPath().toAbsolutePath().normalize();
        Path userTree = source.isBare() ? userGit : source.getWorkTree().toPath().toAbsolutePath().normalize();
        for (String remote : src.getSubsections(ConfigConstants.CONFIG_REMOTE_SECTION)) {
            String[] urls = src.getStringList(ConfigConstants.CONFIG_REMOTE_SECTION, remote, "url");
            if (urls.length == 0 || pointsAt(urls, userGit, userTree)
                    || pointsAt(src.getStringList(ConfigConstants.CONFIG_REMOTE_SECTION, remote, "pushurl"), userGit, userTree)) {
                continue;
            }
            for (String key : List.of("url", "pushurl", "fetch")) {
                String[] values = src.getStringList(ConfigConstants.CONFIG_REMOTE_SECTION, remote, key);
                if (values.length > 0) {
                    cfg.setStringList(ConfigConstants.CONFIG_REMOTE_SECTION, remote, key, List.of(values));
                }
            }
        }
        cfg.save();
    }

    /** A remote URL that is a path (or file: URL) of the user's repository, its .git or anything inside them. */
    private static boolean pointsAt(String[] urls, Path userGit, Path userTree) {
        for (String url : urls) {
            try {
                URIish u = new URIish(url);
                boolean local = u.getScheme() == null || u.getScheme().equals("file");
                if (!local || u.getHost() != null && !u.getHost().isEmpty()) {
                    continue;
                }
                Path p = Path.of(u.getPath()).toAbsolutePath().normalize();
                Path real = Files.exists(p) ? p.toRealPath() : p;
                for (Path mine : List.of(userGit, userTree)) {
                    Path realMine = Files.exists(mine) ? mine.toRealPath() : mine;
                    if (real.startsWith(realMine) || realMine.startsWith(real)) {
                        return true;
                    }
                }
            } catch (URISyntaxException | IOException | RuntimeException e) {
                return true; // not understood: not kept
            }
        }
        return false;
    }

    private static void emptyHooks(Path dir) throws IOException {
        Path hooks = dir.resolve(".git/hooks");
        if (Files.exists(hooks, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(hooks, LinkOption.NOFOLLOW_LINKS)) {
                SafeTree.deleteTree(hooks);
            } else {
                Files.delete(hooks);
            }
        }
        Files.createDirectories(hooks);
    }

    /** The user's own exclude rules (so their ignored local files are ignored here too) plus the engine's lines. */
    private static void writeExclude(Path dir, Repository source, List<String> lines) throws IOException {
        Path userExclude = source.getDirectory().toPath().resolve("info/exclude");
        StringBuilder text = new StringBuilder();
        if (Files.isRegularFile(userExclude)) {
            text.append(Files.readString(userExclude, StandardCharsets.UTF_8));
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                text.append('\n');
            }
        }
        if (!lines.isEmpty() && text.indexOf(EXCLUDE_MARK) < 0) {
            text.append(EXCLUDE_MARK).append('\n');
            lines.forEach(l -> text.append(l).append('\n'));
        }
        Path info = dir.resolve(".git/info");
        Files.createDirectories(info);
        replace(info.resolve("exclude"), text.toString());
    }

    /** The user's tags and remote-tracking refs, so {@code git describe} and {@code git log origin/main..} work. */
    private static void mirrorRefs(Repository clone, Repository source) throws IOException {
        Map<String, ObjectId> want = new HashMap<>();
        for (String prefix : List.of(Constants.R_TAGS, Constants.R_REMOTES)) {
            for (Ref r : source.getRefDatabase().getRefsByPrefix(prefix)) {
                if (r.getObjectId() != null && !r.isSymbolic()) {
                    want.put(r.getName(), r.getObjectId());
                }
            }
        }
        Map<String, ObjectId> have = new HashMap<>();
        for (String prefix : List.of(Constants.R_TAGS, Constants.R_REMOTES)) {
            for (Ref r : clone.getRefDatabase().getRefsByPrefix(prefix)) {
                have.put(r.getName(), r.getObjectId());
            }
        }
        if (want.equals(have)) {
            return;
        }
        List<ReceiveCommand> commands = new ArrayList<>();
        for (Map.Entry<String, ObjectId> w : want.entrySet()) {
            ObjectId old = have.get(w.getKey());
            if (!w.getValue().equals(old)) {
                commands.add(new ReceiveCommand(old == null ? ObjectId.zeroId() : old, w.getValue(), w.getKey()));
            }
        }
        for (Map.Entry<String, ObjectId> h : have.entrySet()) {
            if (!want.containsKey(h.getKey()) && h.getValue() != null) {
                commands.add(new ReceiveCommand(h.getValue(), ObjectId.zeroId(), h.getKey()));
            }
        }
        BatchRefUpdate batch = clone.getRefDatabase().newBatchUpdate();
        batch.setAllowNonFastForwards(true);
        batch.disableRefLog();
        batch.addCommand(commands);
        try (RevWalk walk = new RevWalk(clone)) {
            batch.execute(walk, NullProgressMonitor.INSTANCE);
        }
        for (ReceiveCommand c : commands) {
            if (c.getResult() != ReceiveCommand.Result.OK) {
                throw new IOException("cannot mirror " + c.getRefName() + " into the stage clone: " + c.getResult()
                        + Optional.ofNullable(c.getMessage()).map(m -> " (" + m + ")").orElse(""));
            }
        }
    }

    /**
     * Adds the home's runtime folders to the user's {@code .git/info/exclude} once, so a clone,
     * logs and state inside the workspace never show in the user's {@code git status}. The user's
     * {@code .gitignore} is never edited.
     */
    static void excludeInUserRepo(Repository source, List<String> lines) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        Path exclude = source.getDirectory().toPath().resolve("info/exclude");
        String text = Files.isRegularFile(exclude) ? Files.readString(exclude, StandardCharsets.UTF_8) : "";
        int mark = text.indexOf(EXCLUDE_MARK);
        String block = EXCLUDE_MARK + "\n" + String.join("\n", lines) + "\n";
        if (mark >= 0 && text.substring(mark).startsWith(block)) {
            return;
        }
        String kept = mark >= 0 ? text.substring(0, mark) + dropBlock(text.substring(mark)) : text;
        if (!kept.isEmpty() && !kept.endsWith("\n")) {
            kept += "\n";
        }
        Files.createDirectories(exclude.getParent());
        replace(exclude, kept + block);
    }

    /** What follows the engine's block in an exclude file (the block ends at the first blank or comment line). */
    private static String dropBlock(String fromMark) {
        String[] lines = fromMark.split("\n", -1);
        int i = 1;
        while (i < lines.length && !lines[i].isBlank() && !lines[i].startsWith("#")) {
            i++;
        }
        return String.join("\n", Arrays.asList(lines).subList(i, lines.length));
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".engine-tmp");
        Files.deleteIfExists(tmp);
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
