package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random hostile paths: whatever the checker lets through must be harmless, checked independently. */
class PathFuzzTest {
    private static final String[] PIECES = {"apps", "ai", "AI", "state", "State", "logs", "patches", "escalations",
            "context_map.yaml", "Context_Map.YAML", "master_memo.md", "executor_instructions.md", "engine", "ENGINE",
            ".git", ".GIT", "GIT~1", ".git.", "..", ".", "", " ", "x.yaml", "web.yaml", "link", "café", "cafe\u0301",
            "a\u200cb", "a\\b", "a\tb", "C:", "~", "new", "state.", "logs "};
    private static final Set<String> ENGINE_NAMES = Set.of("context_map.yaml", "master_memo.md",
            "executor_instructions.md", "state", "logs", "escalations", "patches");

    @TempDir Path root;

    @Test
    void acceptedPathsAreHarmless() throws IOException {
        Files.createDirectories(root.resolve("apps"));
        Files.createDirectories(root.resolve("ai"));
        Files.createSymbolicLink(root.resolve("apps/link"), Path.of("/"));
        TreeView tree = new DirectoryTreeView(root);
        PatchPolicy policy = PatchPolicy.defaults(List.of());
        Random rnd = new Random(99);
        int accepted = 0;
        int cases = 5000;
        for (int k = 0; k < cases; k++) {
            StringBuilder path = new StringBuilder(rnd.nextInt(8) == 0 ? "/" : "");
            int n = 1 + rnd.nextInt(4);
            for (int j = 0; j < n; j++) {
                if (j > 0) path.append('/');
                path.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
            String p = path.toString();
            FilePatch add = new FilePatch(FilePatch.DEV_NULL, p, FilePatch.Kind.ADD,
                    List.of(Hunk.of(0, 1, List.of(HunkLine.add("x")))), false,
                    java.util.Optional.empty(), java.util.Optional.empty(), false, false);
            List<Violation> v = PatchChecker.check(List.of(add), policy, tree);
            if (!v.isEmpty()) continue;
            accepted++;
            assertThat(p).as(p).doesNotStartWith("/").doesNotContain("\\").doesNotContain("//").doesNotEndWith("/");
            assertThat(root.resolve(p).normalize().startsWith(root)).as(p).isTrue();
            String[] segs = p.toLowerCase(Locale.ROOT).split("/");
            for (String s : segs) {
                assertThat(s).as(p).isNotIn("", ".", "..").doesNotStartWith(".git").doesNotStartWith("git~");
                assertThat(s.chars().allMatch(c -> c >= 0x20 && c != 0x7f && Character.getType(c) != Character.FORMAT)).as(p).isTrue();
            }
            String first = segs[0].replaceAll("[. ]+$", "");
            String second = segs.length > 1 ? segs[1].replaceAll("[. ]+$", "") : "";
            assertThat(ENGINE_NAMES).as(p).doesNotContain(first);
            assertThat(first.equals("ai") && ENGINE_NAMES.contains(second)).as(p).isFalse();
            assertThat(first.equals("engine")).as(p).isFalse();
            assertThat(p).as(p).doesNotStartWith("apps/link");
            assertThat(segs.length == 1 || tree.topLevelEntries().contains(p.split("/")[0])).as(p).isTrue();
        }
        System.out.println("path fuzz: " + cases + " paths, " + accepted + " accepted, all harmless");
        assertThat(accepted).as("some paths must pass, or the test proves nothing").isGreaterThan(20);
    }
}
