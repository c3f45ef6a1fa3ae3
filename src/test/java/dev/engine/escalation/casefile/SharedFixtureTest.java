package dev.engine.escalation.casefile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.ContextMap;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.StageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real v2 homelab layout from ../shared, when it is there (skipped otherwise). */
class SharedFixtureTest {
    private static final Path FIXTURE = Path.of("../shared/fixtures/v2-homelab");
    private static final TokenCounter COUNTER = TokenCounter.o200k();

    @TempDir Path root;
    private ContextMap map;
    private String memo;

    @BeforeEach
    void load() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(FIXTURE.resolve("context_map.yaml")),
                "shared v2 fixture not present: " + FIXTURE.toAbsolutePath());
        map = ContextMapLoader.load(FIXTURE.resolve("context_map.yaml"));
        memo = Files.readString(FIXTURE.resolve("master_memo.md"));
    }

    private CaseFile build(StageSpec stage, String log, int budget) throws Exception {
        CaseInput in = Homelab.input(stage, log, memo, map.sectionKeywords(), root);
        CaseFile cf = new CaseFileBuilder(COUNTER, budget, Homelab.REDACT).build(in);
        assertThat(cf.tokens()).isLessThanOrEqualTo(budget).isEqualTo(COUNTER.count(cf.text()));
        return cf;
    }

    @Test
    void talosCaseUsesTheStagesSectionsAndFiles() throws Exception {
        Homelab.writeTalosFiles(root);
        StageSpec talos = map.stage("talos").orElseThrow();
        CaseFile cf = build(talos, Homelab.TALOS_LOG, 60_000);
        assertThat(cf.filesIncluded()).containsExactlyElementsOf(talos.files());
        assertThat(cf.text()).contains("````markdown\n## Talos\n", "````markdown\n## Proxmox\n", "````markdown\n## Kubernetes\n")
                .doesNotContain("## Observability\n").doesNotContain("## Ingress\n");

        // the bash loop sent every file whole up to 500 lines, the whole memo and the log tail
        StringBuilder bash = new StringBuilder();
        for (String f : talos.files()) {
            List<String> lines = Files.readAllLines(root.resolve(f));
            bash.append("### ").append(f).append('\n').append(String.join("\n", lines.subList(0, Math.min(500, lines.size())))).append('\n');
        }
        bash.append(memo).append('\n').append(Homelab.TALOS_LOG);
        int bashTokens = COUNTER.count(bash.toString());
        CaseFile budgeted = build(talos, Homelab.TALOS_LOG, 12_000);
        System.out.printf("talos: bash-loop prompt %,d tokens; engine case file %,d tokens unbounded, %,d tokens at a 12,000 budget%n",
                bashTokens, cf.tokens(), budgeted.tokens());
        // at a budget below the bash loop's size, the lines the failure points at are still there
        assertThat(budgeted.text()).contains("disk: /dev/sdb", "infrastructure/proxmox/cluster_bootstrap.sh: line 212");
    }

    @Test
    void obsStageFindsItsSectionsByKeywordWhenNoHeadingHasTheirName() throws Exception {
        StageSpec obs = map.stage("obs").orElseThrow();
        CaseFile cf = build(obs, "error: grafana helmrelease not ready\n", 30_000);
        assertThat(cf.notes()).contains("memo: no heading matches architecture section 'monitoring'; its keywords are used instead");
        assertThat(cf.text()).contains("### Metrics", "- **Prometheus** - Metric collection and alerting");
        // none of the stage's files exist in this checkout: all listed as missing, none read
        assertThat(cf.filesIncluded()).isEmpty();
        assertThat(cf.text()).contains("- Missing: `cluster/kubernetes/platform/monitoring/grafana/helmrelease.yaml` (does not exist in the checkout)");
    }

    @Test
    void appsStageReadsItsDirectoryEntry() throws Exception {
        Homelab.write(root, "cluster/kubernetes/apps/media/jellyfin/helmrelease.yaml", "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n");
        Homelab.write(root, "cluster/kubernetes/apps/kustomization.yaml", "resources:\n  - media/jellyfin/helmrelease.yaml\n");
        StageSpec apps = map.stage("apps").orElseThrow();
        CaseFile cf = build(apps, "kustomize build failed: media/jellyfin/helmrelease.yaml: no such file\n", 20_000);
        assertThat(cf.filesIncluded()).containsExactly("cluster/kubernetes/apps/kustomization.yaml",
                "cluster/kubernetes/apps/media/jellyfin/helmrelease.yaml");
        assertThat(cf.text()).contains("### `cluster/kubernetes/apps/media/jellyfin/helmrelease.yaml` (named in the log)");
    }
}
