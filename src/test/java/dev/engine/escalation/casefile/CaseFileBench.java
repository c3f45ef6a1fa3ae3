package dev.engine.escalation.casefile;

import dev.engine.config.ContextMap;
import dev.engine.config.StageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;


/**
 * Figures for the case-file builder (run by hand; nothing asserted):
 * <ol>
 *   <li>build time and tokens for a stage with 20 files of 2,000 lines each;</li>
 *   <li>tokens of a case file for the talos stage with a sample failure, next to what the bash
 *       loop sent: every stage file whole up to its first 500 lines, the whole memo, the log tail.</li>
 * </ol>
 * {@code java -cp target/test-classes:target/classes:<deps> dev.engine.escalation.casefile.CaseFileBench [budget]}
 */
public final class CaseFileBench {
    public static void main(String[] args) throws Exception {
        int budget = args.length > 0 ? Integer.parseInt(args[0]) : 16_000;
        long t0 = System.nanoTime();
        TokenCounter counter = TokenCounter.o200k();
        counter.count("warm");
        System.out.printf("o200k table load: %.0f ms%n", (System.nanoTime() - t0) / 1e6);

        Path root = Files.createTempDirectory("casefile-bench-");
        List<String> files = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            String rel = "cluster/kubernetes/apps/app" + i + "/release.yaml";
            Homelab.write(root, rel, Homelab.bigYaml("app" + i, 2000));
            files.add(rel);
        }
        StageSpec apps = Homelab.stage("apps", "Homelab applications (media, tools)", files, List.of("apps", "flux"),
                List.of("Apps kustomization reconciled"), List.of("kubectl get kustomizations -A"));
        String log = "reconciling apps\nerror: cluster/kubernetes/apps/app7/release.yaml:1234: item_app7_01234: image not found\n"
                + "Kustomization apps failed: HelmRelease app7 install failed\n";
        CaseInput in = Homelab.input(apps, log, Homelab.memo(), Homelab.contextMap().sectionKeywords(), root);
        long bytes = 0;
        for (String f : files) bytes += Files.size(root.resolve(f));
        System.out.printf("20 files x 2,000 lines: %,d bytes of stage files, whole: %,d tokens%n", bytes, wholeTokens(counter, root, files));
        double[] ms = new double[7];
        CaseFile cf = null;
        for (int r = 0; r < ms.length; r++) {
            long s = System.nanoTime();
            cf = new CaseFileBuilder(counter, budget, Homelab.REDACT).build(in);
            ms[r] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("build, budget %,d: first/median/min/max = see list %s ms; median %.0f ms; %,d tokens; %d files shown%n",
                budget, Arrays.toString(Arrays.stream(ms).mapToLong(Math::round).toArray()), ms[ms.length / 2], cf.tokens(),
                cf.filesIncluded().size());

        // talos: the engine's case file vs the bash loop's prompt
        Path ws = Files.createTempDirectory("casefile-talos-");
        Homelab.writeTalosFiles(ws);
        ContextMap map = Homelab.contextMap();
        String memo = Homelab.memo();
        Path shared = Path.of("../shared/fixtures/v2-homelab/master_memo.md");
        if (Files.isRegularFile(shared)) memo = Files.readString(shared);
        StageSpec talos = map.stage("talos").orElseThrow();
        CaseInput tin = Homelab.input(talos, Homelab.TALOS_LOG, memo, map.sectionKeywords(), ws);
        StringBuilder bash = new StringBuilder();
        for (String f : talos.files()) {
            List<String> lines = Files.readAllLines(ws.resolve(f));
            bash.append("### ").append(f).append('\n').append(String.join("\n", lines.subList(0, Math.min(500, lines.size())))).append('\n');
        }
        bash.append(memo).append('\n').append(Homelab.TALOS_LOG);
        System.out.printf("talos, bash loop approach (files to 500 lines + whole memo + log): %,d tokens%n", counter.count(bash.toString()));
        for (int b : new int[] {8_000, 12_000, 16_000, 24_000, 200_000}) {
            CaseFile t = new CaseFileBuilder(counter, b, Homelab.REDACT).build(tin);
            System.out.printf("talos, engine case file, budget %,7d: %,d tokens, %d files shown, %d notes%n", b, t.tokens(),
                    t.filesIncluded().size(), t.notes().size());
        }
    }

    private static int wholeTokens(TokenCounter counter, Path root, List<String> files) throws Exception {
        int n = 0;
        for (String f : files) n += counter.count(Files.readString(root.resolve(f)));
        return n;
    }

    private CaseFileBench() {}

}
