package dev.engine.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The repository half of {@code engine adopt}: the bash loop committed files the engine writes on
 * every run (its home's state/, logs/, escalations/, patches/). This stops tracking them, as
 * {@code git rm --cached} would, adds ignore rules for the folders to the workspace's
 * {@code .gitignore}, and commits both on the checked-out main branch in one commit made with the
 * repository's own identity. The files stay on disk as they are.
 *
 * <p>This is the one place the engine edits the user's {@code .gitignore}: adopting is the
 * operator's explicit request to hand these folders to the engine. Everywhere else the engine keeps
 * to {@code .git/info/exclude}.
 *
 * <p>The commit is built from HEAD's tree, not from the index, so whatever else the user has
 * staged stays staged and out of it; their unstaged edits (also to {@code .gitignore}) stay too.
 * Main is moved compare-and-swap while the index is locked, and the index is written only if that
 * succeeded.
 */
public final class RuntimeUntracking {
    static final String GITIGNORE = Constants.DOT_GIT_IGNORE;
    /** Kept tracked: they only keep the empty folders in a fresh clone, and the engine never writes them. */
    static final String PLACEHOLDER = ".gitkeep";
    static final String RULES_HEADER = "# engine runtime folders (added by `engine adopt`; the engine writes them, never commit them)";

    private RuntimeUntracking() {}

    /** The state of the workspace's .gitignore against HEAD. */
    public enum IgnoreFile { ABSENT, CLEAN, MODIFIED, STAGED }

    /**
     * What adopting would do to the repository.
     *
     * @param branch the checked-out branch (null when HEAD is detached)
     * @param tracked runtime files in HEAD or the index, to stop tracking
     * @param placeholders {@code .gitkeep} files in the runtime folders, kept tracked
     * @param missingRules ignore lines HEAD's .gitignore lacks
     * @param author who the commit is made as ({@code Name <email>}, from the repository's configuration)
     * @param refusal why {@link #apply} would refuse, with what to do; empty when it can go ahead
     */
    public record Plan(String branch, List<String> tracked, List<String> placeholders, List<String> missingRules,
                       IgnoreFile gitignore, String author, Optional<String> refusal) {
        public Plan {
            tracked = List.copyOf(tracked);
            placeholders = List.copyOf(placeholders);
            missingRules = List.copyOf(missingRules);
        }

        /** Nothing is tracked and every rule is there: the repository is adopted already. */
        public boolean nothingToDo() {
            return tracked.isEmpty() && missingRules.isEmpty();
        }
    }

    /** What {@link #apply} did: the commit on main (empty when none was needed) and the rules written. */
    public record Done(Optional<ObjectId> commit, List<String> untracked, List<String> rulesAdded) {}

    public static Plan plan(Path workspace, RuntimeFiles runtime, String mainBranch) throws IOException {
        try (Repository repo = open(workspace)) {
            return plan(repo, runtime, mainBranch);
        }
    }

    /**
     * Carries out {@link #plan}: one commit on main (subject {@code message}'s first line), then
     * the index and the working tree's .gitignore. Refused, with nothing changed, when the plan says so.
     */
    public static Done apply(Path workspace, RuntimeFiles runtime, String mainBranch, String message) throws IOException {
        try (Repository repo = open(workspace)) {
            // Locked before planning: git cannot change the index between the plan and the write.
            DirCache index = repo.lockDirCache();
            try {
                Plan plan = plan(repo, runtime, mainBranch);
                if (plan.refusal().isPresent()) {
                    throw new AiBranchException(plan.refusal().get());
                }
                if (plan.nothingToDo()) {
                    return new Done(Optional.empty(), List.of(), List.of());
                }
                return carryOut(repo, index, plan, message);
            } finally {
                index.unlock();
            }
        }
    }

    private static Repository open(Path workspace) throws IOException {
        try {
            return new FileRepositoryBuilder().setWorkTree(workspace.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new AiBranchException(workspace + " is not a git repository: " + e.getMessage(), e);
        }
    }

    private static Plan plan(Repository repo, RuntimeFiles runtime, String mainBranch) throws IOException {
        String full = repo.getFullBranch();
        String branch = full != null && full.startsWith(Constants.R_HEADS) ? full.substring(Constants.R_HEADS.length()) : null;
        ObjectId head = repo.resolve(Constants.HEAD + "^{commit}");
        TreeSet<String> tracked = new TreeSet<>();
        TreeSet<String> placeholders = new TreeSet<>();
        DirCache index = DirCache.read(repo);
        for (int i = 0; i < index.getEntryCount(); i++) {
            sort(index.getEntry(i).getPathString(), runtime, tracked, placeholders);
        }
        String headIgnore = "";
        if (head != null) {
            try (RevWalk walk = new RevWalk(repo); TreeWalk tw = new TreeWalk(repo)) {
                tw.addTree(walk.parseCommit(head).getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    sort(tw.getPathString(), runtime, tracked, placeholders);
                }
            }
            headIgnore = blobText(repo, head, GITIGNORE).orElse("");
        }
        List<String> missing = missingRules(headIgnore, runtime.ignoreRules());
        IgnoreFile state = ignoreFileState(repo, head, index);

        String refusal = null;
        if (head == null) {
            refusal = "the repository has no commit yet; commit the workspace first, then adopt";
        } else if (branch == null || !(branch.equals(mainBranch) || "main".equals(mainBranch) && branch.equals("master")
                && repo.exactRef(Constants.R_HEADS + "main") == null)) {
            refusal = "adopt commits on " + mainBranch + ", but " + (branch == null ? "HEAD is detached" : branch + " is checked out")
                    + "; `git switch " + mainBranch + "`, then adopt again";
        } else if (state == IgnoreFile.STAGED && !missing.isEmpty()) {
            refusal = GITIGNORE + " has staged changes, and adopt commits " + GITIGNORE + "; commit them or `git restore --staged "
                    + GITIGNORE + "`, then adopt again";
        } else if (identityMissing(repo)) {
            refusal = "the repository has no user.name/user.email, and the adopt commit is yours; `git config user.name \"Your Name\"`"
                    + " and `git config user.email you@example.org`, then adopt again";
        }
        PersonIdent who = new PersonIdent(repo);
        return new Plan(branch, new ArrayList<>(tracked), new ArrayList<>(placeholders), missing, state,
                who.getName() + " <" + who.getEmailAddress() + ">", Optional.ofNullable(refusal));
    }

    private static void sort(String path, RuntimeFiles runtime, TreeSet<String> tracked, TreeSet<String> placeholders) {
        if (!runtime.owns(path)) return;
        (path.endsWith("/" + PLACEHOLDER) ? placeholders : tracked).add(path);
    }

    /** The rules the text lacks; a rule counts as there in any of git's equivalent spellings for a folder. */
    static List<String> missingRules(String gitignore, List<String> rules) {
        TreeSet<String> lines = new TreeSet<>();
        for (String l : gitignore.split("\r?\n")) lines.add(l.strip());
        List<String> out = new ArrayList<>();
        for (String rule : rules) {
            String folder = rule.substring(1, rule.length() - 1); // "/ai/state/" -> "ai/state"
            boolean present = lines.contains(rule) || lines.contains("/" + folder) || lines.contains("/" + folder + "/**")
                    || (folder.contains("/") && (lines.contains(folder + "/") || lines.contains(folder)));
            if (!present) out.add(rule);
        }
        return out;
    }

    private static IgnoreFile ignoreFileState(Repository repo, ObjectId head, DirCache index) throws IOException {
        Optional<ObjectId> inHead = head == null ? Optional.empty() : blobId(repo, head, GITIGNORE);
        DirCacheEntry e = index.getEntry(GITIGNORE);
        Optional<ObjectId> inIndex = e == null ? Optional.empty() : Optional.of(e.getObjectId());
        if (!inHead.equals(inIndex)) return IgnoreFile.STAGED;
        Path file = repo.getWorkTree().toPath().resolve(GITIGNORE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return inHead.isEmpty() ? IgnoreFile.ABSENT : IgnoreFile.MODIFIED;
        }
        if (inHead.isEmpty()) return IgnoreFile.MODIFIED; // untracked .gitignore: the user's, not committed yet
        try (ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
            return f.idFor(Constants.OBJ_BLOB, Files.readAllBytes(file)).equals(inHead.get()) ? IgnoreFile.CLEAN : IgnoreFile.MODIFIED;
        }
    }

    private static boolean identityMissing(Repository repo) {
        UserConfig u = repo.getConfig().get(UserConfig.KEY);
        return u.isAuthorNameImplicit() || u.isAuthorEmailImplicit() || u.isCommitterNameImplicit() || u.isCommitterEmailImplicit();
    }

    private static Done carryOut(Repository repo, DirCache index, Plan plan, String message) throws IOException {
        try (ObjectInserter inserter = repo.newObjectInserter(); RevWalk walk = new RevWalk(repo);
             ObjectReader reader = repo.newObjectReader()) {
            ObjectId headId = repo.resolve(Constants.HEAD + "^{commit}");
            RevCommit head = walk.parseCommit(headId);
            boolean rules = !plan.missingRules().isEmpty();
            String committedIgnore = withRules(blobText(repo, headId, GITIGNORE).orElse(""), plan.missingRules());
            byte[] ignoreBytes = committedIgnore.getBytes(StandardCharsets.UTF_8);
            ObjectId ignoreBlob = rules ? inserter.insert(Constants.OBJ_BLOB, ignoreBytes) : null;

            // The new tree: HEAD's, without the runtime files, with the new .gitignore.
            DirCache tree = DirCache.read(reader, head.getTree());
            DirCacheEditor te = tree.editor();
            plan.tracked().forEach(p -> te.add(new DirCacheEditor.DeletePath(p)));
            if (rules) te.add(setBlob(ignoreBlob, ignoreBytes.length, 0));
            te.finish();
            ObjectId treeId = tree.writeTree(inserter);

            Optional<ObjectId> commit = Optional.empty();
            if (!treeId.equals(head.getTree())) {
                PersonIdent author = new PersonIdent(repo);
                CommitBuilder cb = new CommitBuilder();
                cb.setTreeId(treeId);
                cb.setParentId(head);
                cb.setAuthor(author);
                cb.setCommitter(author);
                cb.setMessage(message);
                ObjectId id = inserter.insert(cb);
                inserter.flush();
                RefUpdate update = repo.updateRef(Constants.R_HEADS + plan.branch());
                update.setExpectedOldObjectId(head);
                update.setNewObjectId(id);
                update.setRefLogIdent(author);
                update.setRefLogMessage("engine adopt: " + firstLine(message), false);
                RefUpdate.Result r = update.update(walk);
                if (r != RefUpdate.Result.FAST_FORWARD && r != RefUpdate.Result.NEW) {
                    throw new AiBranchException(plan.branch() + " changed while adopt was committing (" + r + "); nothing was changed,"
                            + " adopt again");
                }
                commit = Optional.of(id);
            } else {
                inserter.flush();
            }

            // The working tree's .gitignore: the user's own text (edits included) plus the rules.
            Path file = repo.getWorkTree().toPath().resolve(GITIGNORE);
            if (rules) {
                String current = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(file, StandardCharsets.UTF_8) : "";
                List<String> stillMissing = missingRules(current, plan.missingRules());
                if (!stillMissing.isEmpty()) {
                    replace(file, withRules(current, stillMissing));
                }
            }

            // The index: like `git rm --cached`, and .gitignore at the committed version. A
            // working file that equals it is recorded with its stat (clean); else its stat is
            // left zero, so git compares contents and shows the user's own edits as theirs.
            DirCacheEditor ie = index.editor();
            plan.tracked().forEach(p -> ie.add(new DirCacheEditor.DeletePath(p)));
            if (rules) {
                boolean clean = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        && Arrays.equals(Files.readAllBytes(file), ignoreBytes);
                ie.add(setBlob(ignoreBlob, ignoreBytes.length, clean ? Files.getLastModifiedTime(file).toMillis() : 0));
            }
            if (!ie.commit()) {
                throw new IOException("could not write the index of " + repo.getWorkTree() + " (" + plan.branch()
                        + " is committed; `git rm -r --cached` the runtime files by hand)");
            }
            return new Done(commit, plan.tracked(), plan.missingRules());
        }
    }

    private static DirCacheEditor.PathEdit setBlob(ObjectId blob, int length, long lastModified) {
        // lastModified 0 ("unknown") makes git compare the contents instead of trusting the stat.
        return new DirCacheEditor.PathEdit(GITIGNORE) {
            @Override
            public void apply(DirCacheEntry ent) {
                ent.setFileMode(FileMode.REGULAR_FILE);
                ent.setObjectId(blob);
                ent.setLength(length);
                ent.setLastModified(Instant.ofEpochMilli(lastModified));
            }
        };
    }

    /** {@code text} with the engine's block of rules appended, on a line of its own. */
    static String withRules(String text, List<String> rules) {
        if (rules.isEmpty()) return text;
        StringBuilder b = new StringBuilder(text);
        if (!text.isEmpty() && !text.endsWith("\n")) b.append('\n');
        if (!text.isEmpty()) b.append('\n');
        b.append(RULES_HEADER).append('\n');
        rules.forEach(r -> b.append(r).append('\n'));
        return b.toString();
    }

    private static Optional<ObjectId> blobId(Repository repo, ObjectId commit, String path) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            TreeWalk tw = TreeWalk.forPath(repo, path, walk.parseCommit(commit).getTree());
            if (tw == null) return Optional.empty();
            try (tw) {
                return tw.getFileMode(0).getObjectType() == Constants.OBJ_BLOB ? Optional.of(tw.getObjectId(0)) : Optional.empty();
            }
        }
    }

    private static Optional<String> blobText(Repository repo, ObjectId commit, String path) throws IOException {
        Optional<ObjectId> id = blobId(repo, commit, path);
        if (id.isEmpty()) return Optional.empty();
        try (ObjectReader reader = repo.newObjectReader()) {
            ObjectLoader loader = reader.open(id.get(), Constants.OBJ_BLOB);
            return Optional.of(new String(loader.getBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".engine-tmp");
        Files.deleteIfExists(tmp);
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
