package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.sandbox.Bwrap;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage's world on a workspace laid out like the bash loop's (v2 fixture: home ai/, state files
 * tracked in git): the homelab's apps/ingress/obs stages run git on their own repository, and they
 * must pass, sandboxed, while the user's `git status` shows nothing new.
 */
class StageWorldTest {
    @TempDir
    Path tmp;
    EngineWorkspace w;

    @BeforeEach
    void setUp() throws IOException {
        Bwrap.require();
        w = EngineWorkspace.createV2(tmp, """
                stages:
                  apps:
                    description: "Homelab applications"
                    command: "infrastructure/proxmox/cluster_bootstrap.sh apps"
                    files:
                      - infrastructure/proxmox/cluster_bootstrap.sh
                protected_files:
                  - ai/state/errors.json
                  - ai/state/stage_status.json
                """).sandboxed();
        // What the real cluster_bootstrap.sh does before it hands the repository to the cluster.
        w.script("infrastructure/proxmox/cluster_bootstrap.sh", """
                set -euo pipefail
                rev=$(git rev-parse HEAD)
                echo "bootstrapping $1 at $rev ($(git rev-parse --abbrev-ref HEAD), $(git log -1 --format=%s))"
                git bundle create /tmp/repo.bundle --all
                git bundle verify /tmp/repo.bundle
                git describe --always --dirty
                test -z "$(git status --porcelain)" || { git status --porcelain; echo 'dirty tree'; exit 3; }
                test "$(cat .env)" = "CLUSTER=prox-n100"
                echo ok""");
        w.write(".env", "CLUSTER=prox-n100\n");
        w.commit();
    }

    @AfterEach
    void tearDown() {
        w.close();
    }

    @Test
    void gitWorksOnTheStagesOwnRepositoryAndTheUsersStatusStaysClean() throws Exception {
        String before = w.git("status", "--porcelain", "--untracked-files=all");
        assertThat(before).isEmpty();

        EngineProcess run = w.startViaLauncher("run", "apps");
        assertThat(run.waitFor(Duration.ofSeconds(120))).as(run.describe()).isZero();

        String log = java.nio.file.Files.readString(w.logs("apps").get(0));
        assertThat(log).contains("bootstrapping apps at " + w.git("rev-parse", "main"), "(main, fixture)", "ok");
        assertThat(w.status("apps")).isEqualTo("green");
        // Nothing new: no untracked file, and only the engine's own tracked state files changed.
        List<String> status = Arrays.stream(w.gitResult("status", "--porcelain", "--untracked-files=all").out().split("\n"))
                .filter(l -> !l.isBlank()).toList();
        assertThat(status).allSatisfy(l -> assertThat(l).matches(" M ai/state/(stage_status|errors)\\.json"));
        assertThat(w.ws().resolve(".gitignore")).hasContent(".env\n_out/");
    }
}
