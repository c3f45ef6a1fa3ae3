package dev.engine.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * The files one commit changed, each with its text before (first parent) and after, for a
 * side-by-side view. Read from git objects only; nothing in the repository is changed.
 */
public final class CommitFiles {
    /** At most this many files of one commit are read. */
    public static final int MAX_FILES = 20;

    /**
     * @param before null when the file is new, binary or too large
     * @param after null when the file was deleted, binary or too large
     */
    public record FileVersions(String path, String change, String before, String after, boolean binary, boolean tooLarge) {}

    /** The commit's files, and how many more it changed beyond {@link #MAX_FILES}. */
    public record Changes(List<FileVersions> files, int notShown) {}

    private CommitFiles() {}

    /**
     * @param sha a full commit id (callers pass one that {@link AiBranch#pending} listed)
     * @param maxBytes a side larger than this is not read
     */
    public static Changes of(Path workspace, String sha, int maxBytes) throws IOException {
        Repository repo;
        try {
            repo = new FileRepositoryBuilder().setWorkTree(workspace.toFile()).setMustExist(true).build();
        } catch (IllegalArgumentException e) {
            throw new AiBranchException(workspace + " is not a git repository: " + e.getMessage(), e);
        }
        try (repo; RevWalk walk = new RevWalk(repo); DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(sha));
            diff.setRepository(repo);
            List<DiffEntry> entries = diff.scan(c.getParentCount() > 0 ? walk.parseCommit(c.getParent(0)).getTree() : null, c.getTree());
            List<FileVersions> out = new ArrayList<>();
            for (DiffEntry e : entries.subList(0, Math.min(MAX_FILES, entries.size()))) {
                Side before = read(repo, e.getOldId(), maxBytes);
                Side after = read(repo, e.getNewId(), maxBytes);
                String path = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
                out.add(new FileVersions(path, e.getChangeType().name().toLowerCase(Locale.ROOT), before.text(), after.text(),
                        before.binary() || after.binary(), before.tooLarge() || after.tooLarge()));
            }
            return new Changes(out, Math.max(0, entries.size() - MAX_FILES));
        } catch (IllegalArgumentException e) {
            throw new AiBranchException("'" + sha + "' is not a commit id: " + e.getMessage(), e);
        }
    }

    private record Side(String text, boolean binary, boolean tooLarge) {}

    private static Side read(Repository repo, AbbreviatedObjectId id, int maxBytes) throws IOException {
        if (id == null || !id.isComplete() || id.toObjectId().equals(ObjectId.zeroId())) {
            return new Side(null, false, false);
        }
        ObjectLoader loader = repo.open(id.toObjectId());
        if (loader.getSize() > maxBytes) {
            return new Side(null, false, true);
        }
        byte[] bytes = loader.getBytes();
        if (RawText.isBinary(bytes)) {
            return new Side(null, true, false);
        }
        return new Side(new String(bytes, StandardCharsets.UTF_8), false, false);
    }
}
