package dev.engine.git;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** The repository and the commit a checkout is made from: the AI branch tip, else main's. */
final class CheckoutSource {
    private CheckoutSource() {}

    static Repository open(Path workspace) throws IOException {
        try {
            // setWorkTree, not findGitDir: searching upwards could silently pick a parent repository.
            return new FileRepositoryBuilder().setWorkTree(workspace.toFile()).setMustExist(true).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new AiBranchException(workspace + " is not a git repository: " + e.getMessage(), e);
        }
    }

    /** The AI branch tip when the branch exists, else main's tip ({@code master} when {@code main} is absent). */
    static ObjectId tip(Repository repo, String aiBranch, String mainBranch) throws IOException {
        if (aiBranch == null || aiBranch.isBlank() || !Repository.isValidRefName(Constants.R_HEADS + aiBranch)) {
            throw new AiBranchException("invalid AI branch name '" + aiBranch + "'");
        }
        Ref ai = repo.exactRef(Constants.R_HEADS + aiBranch);
        if (ai != null && ai.getObjectId() != null) return ai.getObjectId();
        Ref main = repo.exactRef(Constants.R_HEADS + mainBranch);
        if (main == null && "main".equals(mainBranch)) main = repo.exactRef(Constants.R_HEADS + "master");
        if (main == null || main.getObjectId() == null) {
            throw new AiBranchException("neither " + aiBranch + " nor " + mainBranch + " exists in " + repo.getWorkTree()
                    + "; commit something on " + mainBranch + " first");
        }
        return main.getObjectId();
    }
}
