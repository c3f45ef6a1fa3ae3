package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which host names count as known: words of the stage's texts, exactly. */
class KnownNamesTest {
    @TempDir
    Path tmp;

    @Test
    void wordsAreCutAtEverythingThatCannotBeInAHostName() {
        KnownNames n = KnownNames.of("url: https://grafana.example.internal:3000/login?x=1",
                "CTRL_IP=10.0.0.10 endpoint [fd00::10]:50000", "nslookup: can't resolve 'nas.lan'.");

        assertThat(n.contains("grafana.example.internal")).isTrue();
        assertThat(n.contains("GRAFANA.example.internal.")).as("case and one trailing dot").isTrue();
        assertThat(n.contains("10.0.0.10")).isTrue();
        assertThat(n.contains("fd00::10")).isTrue();
        assertThat(n.contains("nas.lan")).isTrue();
        assertThat(n.contains("x.grafana.example.internal")).as("no subdomains of a known name").isFalse();
        assertThat(n.contains("example")).isFalse();
        assertThat(n.contains("attacker.tld")).isFalse();
        assertThat(KnownNames.none().contains("10.0.0.10")).isFalse();
    }

    @Test
    void sourcesAreTheStageFilesWithFoldersTheLogAndTheContextMap() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.createDirectories(ws.resolve("cluster/apps/media"));
        Files.writeString(ws.resolve("cluster/apps/media/ingress.yaml"), "host: jellyfin.example.internal\n");
        Files.writeString(ws.resolve("env.sh"), "CTRL_IP=10.0.0.10\n");
        Files.writeString(ws.resolve("unlisted.txt"), "other.example.internal\n");
        Path log = Files.writeString(tmp.resolve("attempt1.log"), "dial tcp nas.lan:2049: i/o timeout\n");
        Path map = Files.writeString(tmp.resolve("context_map.yaml"), "success_checks: [\"ping -c 1 gw.lan\"]\n");

        KnownNames n = KnownNames.of(KnownNames.readSources(ws, List.of("cluster/apps/", "env.sh", "missing.yaml"), log, map));

        assertThat(n.contains("jellyfin.example.internal")).isTrue();
        assertThat(n.contains("10.0.0.10")).isTrue();
        assertThat(n.contains("nas.lan")).isTrue();
        assertThat(n.contains("gw.lan")).isTrue();
        assertThat(n.contains("other.example.internal")).as("not a stage file").isFalse();
    }

    @Test
    void linksOutOfTheWorkspaceAreNotFollowed() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("kubeconfig"), "token: c2VjcmV0dG9rZW4.attacker.tld\n");
        Files.createSymbolicLink(ws.resolve("linked.yaml"), outside.resolve("kubeconfig"));
        Files.createSymbolicLink(ws.resolve("linkeddir"), outside);
        Files.createDirectories(ws.resolve("dir"));
        Files.createSymbolicLink(ws.resolve("dir/inner.yaml"), outside.resolve("kubeconfig"));

        KnownNames n = KnownNames.of(KnownNames.readSources(ws, List.of("linked.yaml", "linkeddir/kubeconfig", "dir/", "../outside/kubeconfig"),
                null, null));

        assertThat(n.contains("c2VjcmV0dG9rZW4.attacker.tld")).isFalse();
        assertThat(n.isEmpty()).isTrue();
    }

    @Test
    void aHugeFileIsReadOnlyUpToTheCap() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        String filler = "x".repeat((int) KnownNames.MAX_FILE_BYTES);
        Files.writeString(ws.resolve("big.log"), filler + " late.example.internal\n");

        KnownNames n = KnownNames.of(KnownNames.readSources(ws, List.of("big.log"), null, null));

        assertThat(n.contains("late.example.internal")).isFalse();
    }
}
