package dev.engine.git;

import dev.engine.patch.GitTreeView;
import dev.engine.patch.TreeView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.MergeCommand;
import org.eclipse.jgit.api.MergeResult;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.CheckoutConflictException;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ThreeWayMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * The side branch where AI fixes land as commits for a human to review (invariant I1).
 *
 * <p>Every operation except {@link #approve} works purely on git objects and the AI branch ref:
 * main, HEAD, the index and the working tree are never touched, so a user can keep editing while
 * the engine runs. Refs are moved compare-and-swap: if a ref changed since it was read, the
 * operation fails with {@link AiBranchException.RefMoved} instead of overwriting someone's work.
 */
public final class AiBranch implements AutoCloseable {
    public static final String PREFIX = "ai/";
    private static final String ENGINE_NAME = "engine";
    private static final String ENGINE_EMAIL = "engine@localhost";

    private final Repository repo;
    private final String branch;
    private final String aiRef;
    private final String mainBranch;
    private final String mainRef;
    private final RaceHook beforeRefUpdate;

    /** Runs between computing a new ref value and the compare-and-swap, so tests can race it. */
    @FunctionalInterface
    interface RaceHook {
        void run() throws IOException;
    }

    private AiBranch(Repository repo, String branch, String mainBranch, RaceHook beforeRefUpdate) {
        this.repo = repo;
        this.beforeRefUpdate = beforeRefUpdate;
        this.branch = branch;
        this.aiRef = Constants.R_HEADS + branch;
        this.mainBranch = mainBranch;
        this.mainRef = Constants.R_HEADS + mainBranch;
    }

    /**
     * Opens the repository whose working tree is {@code workspace}.
     *
     * @param branchName the AI branch, must start with {@code ai/}
     * @param mainBranch usually {@code main}; {@code master} is used when {@code main} does not exist
     */
    public static AiBranch open(Path workspace, String branchName, String mainBranch) throws IOException {
        return open(workspace, branchName, mainBranch, () -> { });
    }

    static AiBranch open(Path workspace, String branchName, String mainBranch, RaceHook beforeRefUpdate) throws IOException {
        if (branchName == null || !branchName.startsWith(PREFIX) || branchName.length() == PREFIX.length()
                || !Repository.isValidRefName(Constants.R_HEADS + branchName)) {
            throw new AiBranchException("invalid AI branch name '" + branchName + "': it must be a valid branch name starting with "
                    + PREFIX + " (e.g. ai/orchestrator-stage1), so AI commits can never land on a human's branch");
        }
        Repository repo;
        try {
            // setWorkTree, not findGitDir: searching upwards could silently pick a parent repository.
            repo = new FileRepositoryBuilder().setWorkTree(workspace.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new AiBranchException(workspace + " is not a git repository: " + e.getMessage(), e);
        }
        try {
            String main = mainBranch;
            if (repo.exactRef(Constants.R_HEADS + main) == null && "main".equals(main)
                    && repo.exactRef(Constants.R_HEADS + "master") != null) {
                main = "master";
            }
            if (repo.exactRef(Constants.R_HEADS + main) == null) {
                throw new AiBranchException("no branch " + mainBranch + " in " + workspace + "; commit something on it first");
            }
            if (main.equals(branchName)) throw new AiBranchException("the AI branch cannot be the main branch " + main);
            return new AiBranch(repo, branchName, main, beforeRefUpdate);
        } catch (IOException | RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    public String branchName() {
        return branch;
    }

    /** The main branch actually used ({@code master} when {@code main} was asked for but absent). */
    public String mainBranch() {
        return mainBranch;
    }

    /** The AI branch tip; empty until the first commit. */
    public Optional<ObjectId> tip() throws IOException {
        return Optional.ofNullable(repo.exactRef(aiRef)).map(Ref::getObjectId);
    }

    public ObjectId mainTip() throws IOException {
        Ref ref = repo.exactRef(mainRef);
        if (ref == null || ref.getObjectId() == null) throw new AiBranchException("branch " + mainBranch + " has disappeared");
        return ref.getObjectId();
    }

    /** The commit the next AI commit goes on (and a patch must be checked against): the AI tip, else main's tip. */
    public ObjectId base() throws IOException {
        Optional<ObjectId> tip = tip();
        return tip.isPresent() ? tip.get() : mainTip();
    }

    /** The files of {@code commit}, for checking a patch against exactly what it will be committed on. */
    public TreeView treeAt(ObjectId commit) throws IOException {
        return new GitTreeView(repo, commit);
    }

    /** Commits {@code changes} on top of {@link #base()}; creates the branch on first use. */
    public ObjectId commit(Map<String, Optional<String>> changes, CommitInfo info) throws IOException {
        return commit(base(), changes, info);
    }

    /**
     * Commits {@code changes} on top of {@code checkedBase}, the commit the patch was checked
     * against. Refused with {@link AiBranchException.RefMoved} when the AI branch is no longer there,
     * because the check would no longer hold.
     *
     * @param changes path to new content; an empty Optional deletes the file
     */
    public ObjectId commit(ObjectId checkedBase, Map<String, Optional<String>> changes, CommitInfo info) throws IOException {
        Optional<ObjectId> tip = tip();
        if (tip.isPresent() && !tip.get().equals(checkedBase)) {
            throw new AiBranchException.RefMoved(branch + " is at " + abbrev(tip.get()) + ", not at " + abbrev(checkedBase)
                    + " where the patch was checked; check the patch again against the new tip");
        }
        refuseIfAiBranchCheckedOut();
        String message = CommitMessage.format(info);
        try (RevWalk walk = new RevWalk(repo); ObjectInserter inserter = repo.newObjectInserter()) {
            RevCommit parent = walk.parseCommit(checkedBase);
            ObjectId tree = TreeEdit.apply(repo, inserter, parent.getTree(), changes);
            if (tree.equals(parent.getTree())) {
                throw new AiBranchException("the patch leaves every file as it is in " + abbrev(parent) + "; nothing to commit");
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            cb.setParentId(parent);
            cb.setAuthor(author());
            cb.setCommitter(committer());
            cb.setMessage(message);
            ObjectId id = inserter.insert(cb);
            inserter.flush();
            moveRef(aiRef, branch, tip.orElse(ObjectId.zeroId()), id, "engine: " + firstLine(message));
            return id;
        }
    }

    /** Commits on the AI branch that main does not have, oldest first. */
    public List<PendingCommit> pending() throws IOException {
        Optional<ObjectId> tip = tip();
        if (tip.isEmpty()) return List.of();
        List<PendingCommit> out = new ArrayList<>();
        try (DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            diff.setRepository(repo);
            for (RevCommit c : pendingCommits(tip.get(), mainTip())) {
                CommitInfo info = CommitMessage.parse(c);
                List<String> files = new ArrayList<>();
                int added = 0;
                int removed = 0;
                for (DiffEntry entry : diff.scan(c.getParentCount() > 0 ? c.getParent(0).getTree() : null, c.getTree())) {
                    files.add(entry.getChangeType() == DiffEntry.ChangeType.DELETE ? entry.getOldPath() : entry.getNewPath());
                    for (Edit edit : diff.toFileHeader(entry).toEditList()) {
                        added += edit.getLengthB();
                        removed += edit.getLengthA();
                    }
                }
                out.add(new PendingCommit(c.name(), abbrev(c), info.stage(), info.source(), nullToEmpty(info.fingerprint()),
                        nullToEmpty(info.patchFile()), info.summary(), files, added, removed,
                        Instant.ofEpochSecond(c.getCommitTime()), !CommitMessage.madeByEngine(c)));
            }
        }
        return List.copyOf(out);
    }

    /** Header, message and unified diff against the first parent, like {@code git show}. */
    public String show(String commitish) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(resolve(commitish));
            PersonIdent author = c.getAuthorIdent();
            StringBuilder sb = new StringBuilder();
            sb.append("commit ").append(c.name()).append('\n');
            sb.append("Author: ").append(author.getName()).append(" <").append(author.getEmailAddress()).append(">\n");
            sb.append("Date:   ").append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                    author.getWhenAsInstant().atZone(author.getZoneId()))).append("\n\n");
            for (String line : c.getFullMessage().stripTrailing().split("\n", -1)) sb.append("    ").append(line).append('\n');
            sb.append('\n');
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DiffFormatter diff = new DiffFormatter(bytes)) {
                diff.setRepository(repo);
                diff.format(c.getParentCount() > 0 ? walk.parseCommit(c.getParent(0)).getTree() : null, c.getTree());
            }
            return sb.append(bytes.toString(StandardCharsets.UTF_8)).toString();
        }
    }

    /**
     * Brings the AI branch up to main: follows main when nothing is pending, else replays the
     * pending commits onto main. A conflict changes nothing and is reported.
     */
    public SyncResult syncWithMain() throws IOException {
        Optional<ObjectId> tip = tip();
        if (tip.isEmpty()) return new SyncResult.UpToDate();
        ObjectId main = mainTip();
        try (RevWalk walk = new RevWalk(repo)) {
            if (walk.isMergedInto(walk.parseCommit(main), walk.parseCommit(tip.get()))) return new SyncResult.UpToDate();
        }
        refuseIfAiBranchCheckedOut();
        List<RevCommit> pending = pendingCommits(tip.get(), main);
        if (pending.isEmpty()) {
            moveRef(aiRef, branch, tip.get(), main, "engine: follow " + mainBranch);
            return new SyncResult.Followed(main);
        }
        Replay.Outcome outcome = Replay.onto(repo, main, pending, committer());
        if (outcome instanceof Replay.Conflict c) return new SyncResult.Conflict(c.commitSha(), c.paths());
        Replay.Done done = (Replay.Done) outcome;
        moveRef(aiRef, branch, tip.get(), done.tip(), "engine: rebase onto " + mainBranch + " " + abbrev(main));
        return done.kept() == 0 ? new SyncResult.Followed(done.tip()) : new SyncResult.Rebased(done.tip(), done.kept());
    }

    /**
     * Drops one pending commit and keeps the others, replaying the later ones onto its parent.
     * The reason goes into the AI branch's reflog; the caller records it wherever else it wants.
     */
    public RejectResult reject(String commitish, String reason) throws IOException {
        ObjectId tip = tip().orElseThrow(() -> new AiBranchException("there is no " + branch + " branch; nothing to reject"));
        List<RevCommit> pending = pendingCommits(tip, mainTip());
        int index = indexOfPending(pending, commitish);
        RevCommit rejected = pending.get(index);
        if (rejected.getParentCount() != 1) {
            throw new AiBranchException("commit " + abbrev(rejected) + " is a merge or root commit; drop it by hand");
        }
        refuseIfAiBranchCheckedOut();
        List<RevCommit> later = pending.subList(index + 1, pending.size());
        Replay.Outcome outcome = Replay.onto(repo, rejected.getParent(0), later, committer());
        if (outcome instanceof Replay.Conflict c) return new RejectResult.Conflict(c.commitSha(), c.paths());
        Replay.Done done = (Replay.Done) outcome;
        moveRef(aiRef, branch, tip, done.tip(), "engine: reject " + abbrev(rejected) + ": " + CommitInfo.oneLine(reason));
        return new RejectResult.Rejected(rejected.name(), done.tip(), done.kept());
    }

    /**
     * Merges {@code commitish} and every AI commit before it into main, as {@code git merge} would:
     * fast-forward when possible, else a merge commit. When main is checked out the working tree
     * is updated, and a dirty tree or a conflict refuses the whole approve with nothing changed.
     */
    public ApproveResult approve(String commitish) throws IOException {
        return approve(commitish, path -> false);
    }

    /**
     * {@link #approve(String)} where {@code engineOwned} (workspace-relative paths, '/'-separated)
     * names the engine's runtime files. The bash loop kept its state files in git, so they are
     * modified in the user's tree while the engine runs; they do not make the tree dirty for an
     * approve, and the merge leaves them as they are (AI commits can never touch them, I2).
     */
    public ApproveResult approve(String commitish, Predicate<String> engineOwned) throws IOException {
        ObjectId tip = tip().orElseThrow(() -> new AiBranchException("there is no " + branch + " branch; nothing to approve"));
        ObjectId main = mainTip();
        List<RevCommit> pending = pendingCommits(tip, main);
        RevCommit target = pending.get(indexOfPending(pending, commitish));
        List<RevCommit> approving = pendingCommits(target, main);
        refuseForeign(approving);
        int approved = approving.size();
        boolean fastForward;
        ThreeWayMerger merger = null;
        try (RevWalk walk = new RevWalk(repo)) {
            fastForward = walk.isMergedInto(walk.parseCommit(main), walk.parseCommit(target));
        }
        // A trial merge in memory first: a real conflicting merge would leave markers in the user's files.
        if (!fastForward) {
            merger = (ThreeWayMerger) MergeStrategy.RECURSIVE.newMerger(repo, true);
            if (!merger.merge(main, target)) return new ApproveResult.Conflict(Replay.conflictPaths(merger));
        }
        String message = "Merge " + branch + " up to " + abbrev(target) + " into " + mainBranch + " (" + approved
                + " approved AI commit" + (approved == 1 ? "" : "s") + ")";
        if (mainRef.equals(repo.getFullBranch())) {
            return mergeIntoCheckedOutMain(target, approved, message, fastForward, engineOwned);
        }
        Optional<String> elsewhere = checkedOutIn(mainRef);
        if (elsewhere.isPresent()) {
            throw new AiBranchException(mainBranch + " is checked out in " + elsewhere.get()
                    + "; approve from that working tree so its files are updated too");
        }
        ObjectId newMain = target;
        if (!fastForward) {
            PersonIdent human = new PersonIdent(repo);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(merger.getResultTreeId());
            cb.setParentIds(main, target);
            cb.setAuthor(human);
            cb.setCommitter(human);
            cb.setMessage(message + "\n");
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                newMain = inserter.insert(cb);
                inserter.flush();
            }
        }
        moveRef(mainRef, mainBranch, main, newMain, "engine approve: " + message);
        return new ApproveResult.Merged(newMain, approved, fastForward);
    }

    private ApproveResult mergeIntoCheckedOutMain(RevCommit target, int approved, String message, boolean fastForward,
                                                  Predicate<String> engineOwned) throws IOException {
        try (Git git = new Git(repo)) {
            Status status = git.status().call();
            Set<String> dirty = new TreeSet<>(status.getUncommittedChanges());
            dirty.removeIf(engineOwned);
            if (!dirty.isEmpty()) {
                throw new AiBranchException(mainBranch + " has uncommitted changes in: " + String.join(", ", dirty)
                        + "; commit or stash them, then approve again");
            }
            // A merge commit is made from the index: a staged runtime file would go into it.
            // Unstaging keeps the file as it is, so nothing (no counter) is lost by doing it.
            Set<String> staged = new TreeSet<>();
            staged.addAll(status.getAdded());
            staged.addAll(status.getChanged());
            staged.addAll(status.getRemoved());
            staged.removeIf(engineOwned.negate());
            if (!fastForward && !staged.isEmpty()) {
                throw new AiBranchException("the engine's runtime files " + String.join(", ", staged) + " are staged in "
                        + mainBranch + "'s index and this approve needs a merge commit; `git restore --staged "
                        + String.join(" ", staged) + "` unstages them and keeps the files as they are, then approve again");
            }
            MergeResult result = git.merge().include(target).setFastForward(MergeCommand.FastForwardMode.FF)
                    .setCommit(true).setMessage(message).call();
            if (!result.getMergeStatus().isSuccessful()) {
                throw new AiBranchException("merging " + abbrev(target) + " into " + mainBranch + " failed (" + result.getMergeStatus()
                        + (result.getFailingPaths() != null ? " in " + String.join(", ", result.getFailingPaths().keySet()) : "")
                        + "); check `git status` in the workspace");
            }
            return new ApproveResult.Merged(result.getNewHead(), approved,
                    result.getMergeStatus() == MergeResult.MergeStatus.FAST_FORWARD);
        } catch (CheckoutConflictException e) {
            throw new AiBranchException("approving would overwrite files in the working tree: "
                    + String.join(", ", e.getConflictingPaths()) + "; move them away, then approve again", e);
        } catch (GitAPIException e) {
            throw new AiBranchException("merging " + abbrev(target) + " into " + mainBranch + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        repo.close();
    }

    private List<RevCommit> pendingCommits(ObjectId tip, ObjectId main) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.sort(RevSort.TOPO);
            walk.sort(RevSort.REVERSE, true);
            walk.markStart(walk.parseCommit(tip));
            walk.markUninteresting(walk.parseCommit(main));
            List<RevCommit> out = new ArrayList<>();
            for (RevCommit c : walk) {
                // Parents' headers are needed later (trees, replay) after this walk is closed.
                for (RevCommit p : c.getParents()) walk.parseHeaders(p);
                out.add(c);
            }
            return out;
        }
    }

    private int indexOfPending(List<RevCommit> pending, String commitish) throws IOException {
        ObjectId id;
        try {
            id = resolve(commitish);
        } catch (AiBranchException e) {
            id = null;
        }
        for (int i = 0; i < pending.size(); i++) {
            if (pending.get(i).equals(id)) return i;
        }
        throw new AiBranchException("no commit " + commitish + " on " + branch + " that is not already in " + mainBranch
                + "; `engine review` lists the pending ones");
    }

    private ObjectId resolve(String commitish) throws IOException {
        ObjectId id;
        try {
            id = repo.resolve(commitish + "^{commit}");
        } catch (IllegalArgumentException e) { // includes RevisionSyntaxException
            throw new AiBranchException("'" + commitish + "' is not a commit name: " + e.getMessage(), e);
        }
        if (id == null) throw new AiBranchException("no commit named '" + commitish + "'");
        return id;
    }

    /** Moving a checked-out branch would leave that working tree showing the reverse of the change. */
    private void refuseIfAiBranchCheckedOut() throws IOException {
        Optional<String> where = checkedOutIn(aiRef);
        if (where.isPresent()) {
            throw new AiBranchException(branch + " is checked out in " + where.get() + "; check out another branch there"
                    + " so the engine can update the AI branch without touching your files");
        }
    }

    /**
     * The working tree (this one, the main one or a linked one from {@code git worktree add})
     * whose HEAD is {@code ref}. Read from the HEAD files because that is where git keeps it.
     */
    private Optional<String> checkedOutIn(String ref) throws IOException {
        if (ref.equals(repo.getFullBranch())) return Optional.of(repo.getWorkTree().toString());
        Path common = repo.getCommonDirectory().toPath();
        List<Path> heads = new ArrayList<>();
        if (!common.equals(repo.getDirectory().toPath())) heads.add(common.resolve(Constants.HEAD));
        Path linked = common.resolve("worktrees");
        if (Files.isDirectory(linked)) {
            try (Stream<Path> dirs = Files.list(linked)) {
                dirs.map(d -> d.resolve(Constants.HEAD)).forEach(heads::add);
            }
        }
        for (Path head : heads) {
            if (head.getParent().equals(repo.getDirectory().toPath()) || !Files.isRegularFile(head)) continue;
            if (Files.readString(head, StandardCharsets.UTF_8).strip().equals("ref: " + ref)) {
                Path gitdirFile = head.resolveSibling("gitdir");
                String where = Files.isRegularFile(gitdirFile)
                        ? Path.of(Files.readString(gitdirFile, StandardCharsets.UTF_8).strip()).getParent().toString()
                        : head.getParent().getParent().toString();
                return Optional.of(where);
            }
        }
        return Optional.empty();
    }

    private void moveRef(String ref, String name, ObjectId expectedOld, ObjectId newId, String reflog) throws IOException {
        RefUpdate update = repo.updateRef(ref);
        update.setExpectedOldObjectId(expectedOld);
        update.setNewObjectId(newId);
        // Rewinding is intended (reject, rebase); the expected old id is what keeps this safe.
        update.setForceUpdate(true);
        update.setRefLogIdent(committer());
        update.setRefLogMessage(reflog, false);
        beforeRefUpdate.run();
        RefUpdate.Result result = update.update();
        switch (result) {
            case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> { }
            case LOCK_FAILURE -> {
                Ref now = repo.exactRef(ref);
                throw new AiBranchException.RefMoved(name + " changed while the engine was updating it (expected "
                        + (ObjectId.zeroId().equals(expectedOld) ? "no branch" : abbrev(expectedOld)) + ", found "
                        + (now == null ? "no branch" : abbrev(now.getObjectId())) + "); nothing was changed, run again");
            }
            default -> throw new AiBranchException("could not update " + name + " to " + abbrev(newId) + ": " + result);
        }
    }

    /**
     * The repository's configured identity (user.name / user.email, or GIT_AUTHOR_*), as git
     * would use it; the engine's own name only where none is configured. The Engine-* trailers,
     * not the author, are what mark a commit as the engine's.
     */
    private PersonIdent author() {
        UserConfig u = repo.getConfig().get(UserConfig.KEY);
        return new PersonIdent(u.isAuthorNameImplicit() ? ENGINE_NAME : u.getAuthorName(),
                u.isAuthorEmailImplicit() ? ENGINE_EMAIL : u.getAuthorEmail());
    }

    private PersonIdent committer() {
        UserConfig u = repo.getConfig().get(UserConfig.KEY);
        return new PersonIdent(u.isCommitterNameImplicit() ? ENGINE_NAME : u.getCommitterName(),
                u.isCommitterEmailImplicit() ? ENGINE_EMAIL : u.getCommitterEmail());
    }

    /**
     * Commits without the engine's trailers were made by someone else on the AI branch; approving
     * them would merge a human's (or anyone's) work into main as if the engine had proposed it.
     */
    private void refuseForeign(List<RevCommit> commits) throws AiBranchException {
        List<RevCommit> foreign = commits.stream().filter(c -> !CommitMessage.madeByEngine(c)).toList();
        if (!foreign.isEmpty()) {
            throw new AiBranchException(foreignCommits(branch, foreign.stream().map(c -> abbrev(c) + " \"" + c.getShortMessage() + "\"").toList(),
                    foreign.stream().map(this::abbrev).toList()));
        }
    }

    /** What to tell a human about commits on the AI branch the engine did not make, with what to type. */
    public static String foreignCommits(String branch, List<String> described, List<String> shas) {
        String first = shas.get(0);
        return branch + " holds " + shas.size() + " commit(s) the engine did not make (no Engine-* trailers): "
                + String.join(", ", described) + ". They are never offered for approval. To keep such a commit, put it on"
                + " a branch of your own (`git branch my-work " + first + "`), then drop it from the AI branch"
                + " (`engine review reject " + first + "`), once per commit";
    }

    private String abbrev(ObjectId id) {
        return id.abbreviate(7).name();
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
