package dev.engine.bench;

import dev.engine.git.StageClone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Section 7 of bench/run.sh: bringing the stage's git clone to a new commit on a repository of
 * 10,000 files (first sync, a resync with nothing changed, a resync after a one-file AI commit).
 * The same repository is measured with the manifest checkout it replaced (bench/OldCheckout.java,
 * compiled from the last commit that had it), so the two figures come from one run.
 *
 * <p>Usage: CloneSyncBench make REPO | CloneSyncBench measure REPO ROUNDS
 */
public final class CloneSyncBench {
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[1]);
        if (args[0].equals("make")) {
            make(repo);
            return;
        }
        int rounds = Integer.parseInt(args[2]);
        StageClone clone = StageClone.at(repo, repo.resolve("state/checkout"), repo, "main");
        String main = git(repo, "rev-parse", "main");
        long t0 = System.nanoTime();
        clone.sync(ObjectId.fromString(main));
        long first = System.nanoTime() - t0;
        List<Long> idle = new ArrayList<>();
        List<Long> one = new ArrayList<>();
        List<String> tips = List.of(git(repo, "rev-parse", "one-a"), git(repo, "rev-parse", "one-b"));
        for (int i = 0; i < rounds; i++) {
            long s = System.nanoTime();
            clone.sync(ObjectId.fromString(tips.get(i % 2)));
            one.add(System.nanoTime() - s);
            s = System.nanoTime();
            clone.sync(ObjectId.fromString(tips.get(i % 2)));
            idle.add(System.nanoTime() - s);
        }
        System.out.printf("   git clone (new)    first %6d ms   no-change resync %s   1-file-change resync %s%n",
                first / 1_000_000, median(idle), median(one));
    }

    /** 10,000 YAML files in 100 folders on main, and two branches that each change one of them. */
    static void make(Path repo) throws Exception {
        Files.createDirectories(repo);
        for (int d = 0; d < 100; d++) {
            Path dir = Files.createDirectories(repo.resolve("apps/d" + d));
            for (int f = 0; f < 100; f++) {
                Files.writeString(dir.resolve("f" + f + ".yaml"), "name: app-" + d + "-" + f + "\nreplicas: 1\n");
            }
        }
        Files.writeString(repo.resolve(".gitignore"), "/state/\n.env\n");
        Files.writeString(repo.resolve(".env"), "TOKEN=x\n");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "10k files");
        for (String b : List.of("one-a", "one-b")) {
            git(repo, "checkout", "-q", "-b", b, "main");
            Files.writeString(repo.resolve("apps/d42/f7.yaml"), "name: " + b + "\n");
            git(repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qam", b);
        }
        git(repo, "checkout", "-q", "main");
    }

    static String median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format("median %6.1f ms (min %6.1f, max %6.1f)", s.get(s.size() / 2) / 1e6, s.get(0) / 1e6,
                s.get(s.size() - 1) / 1e6);
    }

    static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        return out;
    }

    private CloneSyncBench() {}
}
