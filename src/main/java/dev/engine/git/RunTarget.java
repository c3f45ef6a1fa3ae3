package dev.engine.git;

import dev.engine.config.StageSpec;
import dev.engine.gate.AutoRun;
import dev.engine.gate.ExecutedFiles;
import dev.engine.gate.FileChange;
import dev.engine.gate.PendingCommit;
import dev.engine.gate.ReviewGate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * The commit a stage attempt runs (DESIGN.md §8): the AI branch tip when every pending AI commit
 * may run, else the last commit before the first one that waits for review, else main. Reads the
 * pending commits and what the stages execute from the repository and lets {@link ReviewGate} decide.
 */
public final class RunTarget {
    private static final Pattern STAGE_TRAILER = Pattern.compile("(?m)^Engine-Stage:[ \\t]*(\\S+)[ \\t]*$");
    /** Files bigger than this are not read for a #! line or source statements; no script is this large. */
    private static final long MAX_READ = 1L << 20;

    /** What the gate needs besides the repository. */
    public record Policy(AutoRun autoRun, boolean contained, List<StageSpec> stages) {
        public Policy {
            stages = List.copyOf(stages);
        }
    }

    /** @param commit what stages run now; @param gate which pending commits wait, and why */
    public record Choice(ObjectId commit, ReviewGate.Gate gate) {
        public Optional<ReviewGate.Held> held(String sha) {
            return gate.held(sha);
        }
    }

    private RunTarget() {}

    public static Choice choose(Path workspace, String aiBranch, String mainBranch, Policy policy) throws IOException {
        try (Repository repo = CheckoutSource.open(workspace);
                ObjectReader reader = repo.newObjectReader();
                RevWalk walk = new RevWalk(reader)) {
            ObjectId main = mainTip(repo, mainBranch);
            Ref ai = repo.exactRef(Constants.R_HEADS + aiBranch);
            if (ai == null || ai.getObjectId() == null || main == null) {
                return new Choice(CheckoutSource.tip(repo, aiBranch, mainBranch), new ReviewGate.Gate(Optional.empty(), List.of()));
            }
            List<RevCommit> pending = pending(walk, ai.getObjectId(), main);
            if (pending.isEmpty()) {
                return new Choice(ai.getObjectId(), new ReviewGate.Gate(Optional.empty(), List.of()));
            }
            ExecutedFiles executed = ExecutedFiles.union(
                    executed(reader, walk.parseCommit(main).getTree(), policy.stages()),
                    executed(reader, walk.parseCommit(ai.getObjectId()).getTree(), policy.stages()));
            List<PendingCommit> commits = new ArrayList<>();
            for (RevCommit c : pending) {
                commits.add(new PendingCommit(c.name(), stageOf(c), changes(reader, walk, c)));
            }
            ReviewGate.Gate gate = ReviewGate.decide(commits, executed, policy.autoRun(), policy.contained());
            ObjectId target = gate.runnable().map(ObjectId::fromString).orElse(main);
            return new Choice(target, gate);
        }
    }

    /**
     * The text of every file each stage executes in main's tree (stage name to path to text), so
     * {@code validate} and {@code run} can read what a stage will do; empty when there is no main.
     */
    public static Map<String, Map<String, String>> executedScripts(Path workspace, String mainBranch,
            List<StageSpec> stages) throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        try (Repository repo = CheckoutSource.open(workspace);
                ObjectReader reader = repo.newObjectReader();
                RevWalk walk = new RevWalk(reader)) {
            ObjectId main = mainTip(repo, mainBranch);
            if (main == null) {
                return out;
            }
            RevTree tree = walk.parseCommit(main).getTree();
            for (StageSpec stage : stages) {
                ExecutedFiles e = executed(reader, tree, List.of(stage));
                Map<String, String> texts = new LinkedHashMap<>();
                for (String path : e.paths()) {
                    try (TreeWalk tw = TreeWalk.forPath(reader, path, tree)) {
                        if (tw != null) {
                            text(reader, tw.getFileMode(0), tw.getObjectId(0)).ifPresent(t -> texts.put(path, t));
                        }
                    }
                }
                out.put(stage.name(), texts);
            }
        }
        return out;
    }

    private static ObjectId mainTip(Repository repo, String mainBranch) throws IOException {
        Ref main = repo.exactRef(Constants.R_HEADS + mainBranch);
        if (main == null && "main".equals(mainBranch)) main = repo.exactRef(Constants.R_HEADS + "master");
        return main == null ? null : main.getObjectId();
    }

    /** Commits on the AI branch not in main, oldest first, along first parents. */
    private static List<RevCommit> pending(RevWalk walk, ObjectId ai, ObjectId main) throws IOException {
        walk.reset();
        walk.setRetainBody(true);
        walk.sort(RevSort.TOPO);
        walk.markStart(walk.parseCommit(ai));
        walk.markUninteresting(walk.parseCommit(main));
        List<RevCommit> out = new ArrayList<>();
        for (RevCommit c : walk) {
            out.add(c);
        }
        Collections.reverse(out);
        return out;
    }

    private static String stageOf(RevCommit c) {
        Matcher m = STAGE_TRAILER.matcher(c.getFullMessage());
        String stage = "-";
        while (m.find()) {
            stage = m.group(1);
        }
        return stage;
    }

    private static List<FileChange> changes(ObjectReader reader, RevWalk walk, RevCommit c) throws IOException {
        List<FileChange> out = new ArrayList<>();
        RevTree before = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0)).getTree();
        try (TreeWalk tw = new TreeWalk(reader)) {
            if (before == null) tw.addTree(new EmptyTreeIterator());
            else tw.addTree(before);
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                FileMode a = tw.getFileMode(0);
                FileMode b = tw.getFileMode(1);
                out.add(new FileChange(tw.getPathString(), a == FileMode.EXECUTABLE_FILE, b == FileMode.EXECUTABLE_FILE,
                        text(reader, a, tw.getObjectId(0)), text(reader, b, tw.getObjectId(1))));
            }
        }
        return out;
    }

    private static ExecutedFiles executed(ObjectReader reader, RevTree tree, List<StageSpec> stages) throws IOException {
        Set<String> paths = new HashSet<>();
        Map<String, ObjectId> ids = new HashMap<>();
        Map<String, FileMode> modes = new HashMap<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(tree);
            tw.setRecursive(true);
            while (tw.next()) {
                paths.add(tw.getPathString());
                ids.put(tw.getPathString(), tw.getObjectId(0));
                modes.put(tw.getPathString(), tw.getFileMode(0));
            }
        }
        return ExecutedFiles.of(paths, p -> {
            try {
                return ids.containsKey(p) ? text(reader, modes.get(p), ids.get(p)) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }, stages);
    }

    /** A regular file's content as UTF-8 text; empty for anything else (absent, binary, link, too big). */
    private static Optional<String> text(ObjectReader reader, FileMode mode, ObjectId id) throws IOException {
        if (mode == null || mode.getObjectType() != Constants.OBJ_BLOB || mode == FileMode.SYMLINK || id.equals(ObjectId.zeroId())) {
            return Optional.empty();
        }
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        if (loader.getSize() > MAX_READ) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(loader.getCachedBytes())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
