package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret leaves through a console page (invariant I8, DESIGN.md §8-9): secrets planted in a
 * stage's log, in a case file and a model answer the bash loop's era left unredacted, and in an AI
 * commit's diff (added and context lines) are shown only as placeholders, on every page and in the
 * plain-text log view. The values are in the formats real tools print: AWS's documented example
 * key pair, a GitHub token, an OpenAI project key, a kubeconfig's client-key-data, a password field.
 */
class ConsoleSecretsTest {
    static final String OPENAI = "sk-proj-Zq8xT4vN2mR7kL1pW9sY3bC6dF0gH5jQ";
    static final String AWS_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String GITHUB = "ghp_R4nd0mT0k3nV4lu3xYz1234567890ABCDEF";
    static final String KEY_DATA = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBdzNk";
    static final String PASSWORD = "Tr0ub4dor&3-horse-battery";
    static final List<String> SECRETS = List.of(OPENAI, AWS_ID, AWS_SECRET, GITHUB, KEY_DATA, PASSWORD);

    @TempDir
    Path tmp;
    EngineWorkspace w;

    @AfterEach
    void tearDown() {
        if (w != null) {
            w.close();
        }
    }

    @Test
    void secretsInALogTailACaseFileAnAnswerAndADiffAppearOnlyAsPlaceholders() throws Exception {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [conf/talos.yaml]
                """);
        // A script that leaks what it should not, as real ones do with `set -x` or a verbose client.
        w.script("stages/talos.sh", "echo '+ aws s3 cp --region eu-west-1 state s3://lab' \n"
                + "echo 'aws_access_key_id = " + AWS_ID + "'\necho 'aws_secret_access_key = " + AWS_SECRET + "'\n"
                + "echo 'curl -H \"Authorization: token " + GITHUB + "\" https://api.github.com/user'\n"
                + "echo 'retrying with OPENAI_API_KEY=" + OPENAI + "'\nexit 1");
        w.write("conf/talos.yaml", "cluster: lab\naws_secret_access_key: " + AWS_SECRET + "\nreplicas: 1\n");
        w.commit();
        w.env("EXECUTOR_RETRY_THRESHOLD", "1").env("MAX_ATTEMPTS_PER_RUN", "1");
        EngineProcess run = w.runToEnd(Duration.ofSeconds(60), "run", "talos");
        assertThat(run.waitFor(Duration.ofSeconds(60))).as(run.describe()).isEqualTo(1);
        assertThat(Files.readString(w.logs("talos").get(0))).as("the log itself holds the secrets").contains(AWS_SECRET, GITHUB);

        // A case file and answer written before redaction existed (the bash loop sent logs as they were).
        String prefix = "talos_20251102-180000";
        w.write("escalations/" + prefix + "_case_v1.md", "# Case: talos\n\n## kubeconfig\n\nusers:\n- name: admin\n  user:\n"
                + "    client-key-data: " + KEY_DATA + "\n\n## Log tail\n\naws_secret_access_key = " + AWS_SECRET + "\n");
        w.write("escalations/" + prefix + "_response.json", "{\"type\": \"give_up\", \"summary\": \"the token " + GITHUB
                + " is revoked\", \"reason\": \"rotate it\"}\n");
        Files.writeString(w.stateDir().resolve("audit.jsonl"), "{\"time\":\"2025-11-02T18:00:01Z\",\"stage\":\"talos\",\"event\":\"model_call\","
                + "\"details\":{\"fingerprint\":\"abc\",\"model\":\"gpt-4o\",\"case\":\"" + prefix + "_case_v1.md\",\"tokens\":1280,"
                + "\"response_type\":\"give_up\",\"summary\":\"token " + GITHUB + " revoked\"}}\n", java.nio.file.StandardOpenOption.APPEND);

        // An AI commit whose diff adds a password and shows the AWS secret as context.
        Path clone = tmp.resolve("clone");
        w.git("clone", "-q", w.ws().toString(), clone.toString());
        Files.writeString(clone.resolve("conf/talos.yaml"), "cluster: lab\naws_secret_access_key: " + AWS_SECRET
                + "\nreplicas: 3\npassword: " + PASSWORD + "\n");
        git(clone, "checkout", "-q", "-b", "ai/orchestrator-stage1");
        git(clone, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "scale talos",
                "-m", "Engine-Stage: talos\nEngine-Source: api\nEngine-Fingerprint: abc");
        git(clone, "push", "-q", w.ws().toString(), "ai/orchestrator-stage1");

        w.env("OPENAI_API_KEY", OPENAI); // the console knows the engine's own key, as the engine does
        EngineProcess console = w.start("console", "--listen", "127.0.0.1:0");
        ConsoleSecurityTest.Login l = ConsoleSecurityTest.login(console);
        RawHttp http = new RawHttp(l.port());
        String log = w.ws().relativize(w.logs("talos").get(0)).toString();
        String stage = http.get("/stage/talos", "Cookie", l.cookie()).body();
        String logPage = http.get("/log?path=" + URLEncoder.encode(log, StandardCharsets.UTF_8)).body();
        String review = http.get("/review").body();
        assertThat(stage).contains("log tail: " + log).contains("case file sent: " + prefix + "_case_v1.md")
                .contains("answer: " + prefix + "_response.json").contains("client-key-data: [REDACTED:");
        assertThat(logPage).contains("aws_secret_access_key = [REDACTED:");
        assertThat(review).contains("scale talos").contains("password: [REDACTED:").contains("replicas: ");
        for (String page : List.of(stage, logPage, review, http.get("/").body(), http.get("/fragments/board").body())) {
            for (String secret : SECRETS) {
                assertThat(page).doesNotContain(secret);
                for (int i = 0; i + 12 <= secret.length(); i++) {
                    assertThat(page).as("a piece of a secret").doesNotContain(secret.substring(i, i + 12));
                }
            }
        }
        console.sigterm();
        console.waitFor(Duration.ofSeconds(60));
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }
}
