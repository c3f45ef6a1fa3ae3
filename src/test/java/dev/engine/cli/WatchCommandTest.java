package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `engine watch` in-process: flags, settings and a few bounded runs (--max-cycles) against a real workspace. */
class WatchCommandTest {
    private static final String MAP = """
            stages:
              vms:
                command: "true"
                success_checks: ["true"]
              apps:
                command: "true"
            """;

    @TempDir
    Path tmp;

    @Test
    void aNonLoopbackAddressIsAUsageErrorWithoutAllowRemoteAndNothingIsTouched() throws Exception {
        Home h = Home.create(tmp, MAP);
        for (String listen : List.of("0.0.0.0:8787", "[::]:0")) {
            Home.Result r = h.engine("watch", "--listen", listen);
            assertThat(r.code()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains("--listen " + listen + " is not a loopback address").contains("--allow-remote");
        }
        assertThat(h.ws.resolve("state/engine.lock")).doesNotExist();
        assertThat(h.ws.resolve("state/audit.jsonl")).doesNotExist();
    }

    @Test
    void badIntervalAndListenValuesAreUsageErrors() throws Exception {
        Home h = Home.create(tmp, MAP);
        assertThat(h.engine("watch", "--interval", "0s").code()).isEqualTo(2);
        assertThat(h.engine("watch", "--interval", "soon").err()).contains("--interval").contains("e.g. 90s");
        assertThat(h.engine("watch", "--listen", "8787").err()).contains("expected HOST:PORT");
    }

    @Test
    void aWebhookUrlThatIsNotHttpIsAConfigurationErrorThatDoesNotEchoIt() throws Exception {
        Home h = Home.create(tmp, MAP + "engine:\n  notify_webhook_url: \"ftp://hooks.example/T0KEN\"\n");
        Home.Result r = h.engine("watch", "--listen", "127.0.0.1:0", "--max-cycles", "1");
        assertThat(r.code()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("engine.notify_webhook_url").contains("http:// or https://").doesNotContain("T0KEN");
    }

    @Test
    void aBoundedRunConvergesVerifiesAndEndsCleanly() throws Exception {
        Home h = Home.create(tmp, MAP);

        Home.Result r = h.engine("watch", "--interval", "10ms", "--listen", "127.0.0.1:0", "--max-cycles", "3");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).containsPattern("engine watch: listening on http://127\\.0\\.0\\.1:\\d+ ")
                .contains("no success_checks, so drift cannot be detected for: apps")
                .contains("vms: green").contains("apps: green");
        assertThat(h.state("stage_status.json").path("vms").asText()).isEqualTo("green");
        assertThat(h.audit("vms", "attempt_started")).as("converged once, then only verified").hasSize(1);
        List<JsonNode> finished = h.audit().stream().filter(e -> e.path("event").asText().equals("watch_finished")).toList();
        assertThat(finished).singleElement().satisfies(e -> {
            assertThat(e.path("details").path("cycles").asLong()).isEqualTo(3);
            assertThat(e.path("details").path("all_green").asBoolean()).isTrue();
        });
        assertThat(h.audit().stream().filter(e -> e.path("event").asText().equals("watch_started"))).hasSize(1);
        // the lock went with it
        assertThat(h.engine("reset", "apps").code()).isZero();
    }

    @Test
    void aBoundedRunWithAStageThatIsNotGreenExitsOne() throws Exception {
        Home h = Home.create(tmp, """
                stages:
                  vms:
                    command: "exit 3"
                """);
        h.env.put("EXECUTOR_RETRY_THRESHOLD", "100");
        h.env.put("MAX_ATTEMPTS_PER_RUN", "1");
        Home.Result r = h.engine("watch", "--interval", "10ms", "--listen", "127.0.0.1:0", "--max-cycles", "2");
        assertThat(r.code()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("vms: failed 1 time(s) in a row; next attempt in 20ms (cycle 3)");
    }

    @Test
    void giveUpIsNotifiedToTheWebhookFromTheEngineBlock() throws Exception {
        try (MockWebServer hook = new MockWebServer()) {
            hook.start(java.net.InetAddress.getLoopbackAddress(), 0);
            hook.enqueue(new MockResponse());
            Home h = Home.create(tmp, """
                    stages:
                      vms:
                        command: "echo 'qm: VM 101 not found'; exit 2"
                    engine:
                      executor_retry_threshold: 1
                      notify_webhook_url: "%s"
                    """.formatted(hook.url("/hook/abc")));

            Home.Result r = h.engine("watch", "--interval", "10ms", "--listen", "127.0.0.1:0", "--max-cycles", "2");

            assertThat(r.code()).as(r.all()).isEqualTo(1);
            assertThat(r.out()).contains("notifications to http://" + hook.getHostName() + ":" + hook.getPort());
            RecordedRequest req = hook.takeRequest(30, TimeUnit.SECONDS);
            assertThat(req).as(r.all()).isNotNull();
            JsonNode body = new ObjectMapper().readTree(req.getBody().readUtf8());
            assertThat(body.path("event").asText()).isEqualTo("give_up");
            assertThat(body.path("stage").asText()).isEqualTo("vms");
            assertThat(body.path("reason").asText()).contains("escalation is unavailable");
            assertThat(body.path("host").asText()).isNotBlank();
            assertThat(hook.getRequestCount()).as("give_up is notified once, not every cycle").isEqualTo(1);
        }
    }

    @Test
    void theNewSettingReadsTheEnvironmentFirst() throws Exception {
        Home h = Home.create(tmp, MAP + "engine:\n  notify_webhook_url: \"http://from-file.invalid/x\"\n");
        h.env.put("NOTIFY_WEBHOOK_URL", "not a url");
        Home.Result r = h.engine("watch", "--listen", "127.0.0.1:0", "--max-cycles", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("NOTIFY_WEBHOOK_URL");
        assertThat(Files.exists(h.ws.resolve("state/engine.lock"))).isFalse();
    }
}
