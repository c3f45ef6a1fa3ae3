package dev.engine.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sync cost on a 10,000-file repository; prints the figures (no timing assertions: shared CI machines vary). */
class StageCheckoutScaleTest {
    @TempDir
    Path tmp;

    @Test
    void tenThousandFiles() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        GitRepo repo = GitRepo.create(ws);
        for (int d = 0; d < 100; d++) {
            for (int f = 0; f < 100; f++) {
                repo.write("apps/d" + d + "/f" + f + ".yaml", "name: app-" + d + "-" + f + "\nreplicas: 1\n");
            }
        }
        repo.write(".gitignore", "/state/\n.env\n");
        repo.write(".env", "TOKEN=x\n");
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "many files");
        StageCheckout checkout = StageCheckout.at(ws, ws.resolve("state/checkout"), "ai/x", "main");

        long t0 = System.nanoTime();
        StageCheckout.Result first = checkout.sync();
        long t1 = System.nanoTime();
        StageCheckout.Result idle = checkout.sync();
        long t2 = System.nanoTime();
        try (AiBranch ai = AiBranch.open(ws, "ai/x", "main")) {
            ai.commit(Map.of("apps/d42/f7.yaml", Optional.of("name: fixed\n")),
                    new CommitInfo("apps", "executor", "0123456789ab", "patches/p.diff", "fix"));
        }
        long t3 = System.nanoTime();
        StageCheckout.Result one = checkout.sync();
        long t4 = System.nanoTime();

        assertThat(first.written()).isEqualTo(10_000 + 5);
        assertThat(first.linked()).isEqualTo(1);
        assertThat(idle.written()).isZero();
        assertThat(one.written()).isEqualTo(1);
        assertThat(ws.resolve("state/checkout/apps/d42/f7.yaml")).hasContent("name: fixed");
        System.out.printf("StageCheckout on 10,005 files: first sync %d ms, no-change resync %d ms, 1-file-change resync %d ms%n",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t4 - t3) / 1_000_000);
    }
}
