package dev.engine.patch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole model answers, as they arrive: prose, fences, sloppy headers. */
class ModelAnswerTest {
    private static final String COMPOSE = """
            # managed by the homelab repo
            version: "3.8"

            services:
              db:
                image: postgres:16
                restart: unless-stopped
                environment:
                  - TZ=Europe/Berlin

            services:
              web:
                image: nginx:1.25
                restart: unless-stopped
                ports:
                  - "8080:80"

            networks:
              default:
                name: homelab
            """;
    private static final String DEPLOY = "#!/bin/sh\r\nset -euo pipefail\r\ndocker compose up -d db\r\ndocker compose up -d web\r\n";

    @TempDir Path root;
    private TreeView tree;

    @BeforeEach
    void workspace() throws IOException {
        Files.createDirectories(root.resolve("apps"));
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("ai"));
        Files.writeString(root.resolve("apps/compose.yaml"), COMPOSE);
        Files.writeString(root.resolve("scripts/deploy.sh"), DEPLOY);
        Files.writeString(root.resolve("ai/master_memo.md"), "# memo\n");
        tree = new DirectoryTreeView(root);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ModelAnswerTest.class.getResourceAsStream("/patch/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void fencedMultiFileAnswerWithWrongNumbersApplies() throws IOException {
        PatchOutcome out = PatchSet.checkAndApply(resource("model-answer-fenced.txt"),
                PatchPolicy.defaults(List.of()).withScope(List.of("apps/", "scripts/deploy.sh")), tree);
        assertThat(out).isInstanceOf(PatchOutcome.Ready.class);
        Map<String, Optional<String>> changes = ((PatchOutcome.Ready) out).changes();
        assertThat(changes.keySet()).containsExactly("apps/compose.yaml", "scripts/deploy.sh");
        assertThat(changes.get("apps/compose.yaml")).contains(COMPOSE.replace("8080:80", "8081:80"));
        // the CRLF script stays CRLF although the model wrote LF
        assertThat(changes.get("scripts/deploy.sh")).contains(DEPLOY.replace("db\r\n",
                "db\r\nuntil docker compose exec db pg_isready; do sleep 1; done\r\n"));
    }

    @Test
    void hostileAnswerIsRefusedWithEveryReason() throws IOException {
        PatchOutcome out = PatchSet.checkAndApply(resource("model-answer-hostile.txt"),
                PatchPolicy.defaults(List.of("ai/master_memo.md")), tree);
        assertThat(out).isInstanceOf(PatchOutcome.Refused.class);
        List<Violation> v = ((PatchOutcome.Refused) out).violations();
        assertThat(v).extracting(Violation::rule).contains("I2-protected", "I4-mode", "I4-traversal");
        assertThat(((PatchOutcome.Refused) out).describe()).contains("ai/master_memo.md").contains("scripts/deploy.sh")
                .contains("tools/../../home/user/.bashrc");
    }
}
