package dev.engine.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Driver for the manifest checkout the git clone replaced (StageCheckout at commit bc131e6):
 * bench/run.sh compiles it together with that commit's git package sources, so section 7 can put
 * the old sync next to the new one on the same repository. Not part of the engine.
 */
public final class OldCheckout {
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long t0 = System.nanoTime();
        // The branch the old checkout follows: point it at one of the two one-file commits.
        StageCheckout.at(repo, repo.resolve("state/oldcheckout"), "ai/bench", "main").sync();
        long first = System.nanoTime() - t0;
        List<Long> idle = new ArrayList<>();
        List<Long> one = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            git(repo, "update-ref", "refs/heads/ai/bench", i % 2 == 0 ? "one-a" : "one-b");
            long s = System.nanoTime();
            StageCheckout.at(repo, repo.resolve("state/oldcheckout"), "ai/bench", "main").sync();
            one.add(System.nanoTime() - s);
            s = System.nanoTime();
            StageCheckout.at(repo, repo.resolve("state/oldcheckout"), "ai/bench", "main").sync();
            idle.add(System.nanoTime() - s);
        }
        git(repo, "update-ref", "-d", "refs/heads/ai/bench");
        System.out.printf("   manifest (before)  first %6d ms   no-change resync %s   1-file-change resync %s%n",
                first / 1_000_000, median(idle), median(one));
    }

    static String median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return String.format("median %6.1f ms (min %6.1f, max %6.1f)", s.get(s.size() / 2) / 1e6, s.get(0) / 1e6,
                s.get(s.size() - 1) / 1e6);
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        if (new ProcessBuilder(cmd).inheritIO().start().waitFor() != 0) throw new IllegalStateException(cmd.toString());
    }

    private OldCheckout() {}
}
