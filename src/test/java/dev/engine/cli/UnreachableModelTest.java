package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.nio.file.Path;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, I6: an escalation whose call never left the machine gives its reservation back and
 * is audited as model_unreachable; one that reached the server (even only with an error) counts.
 */
class UnreachableModelTest {
    @TempDir
    Path tmp;

    Home home() throws Exception {
        Home home = Home.create(tmp, """
                stages:
                  talos:
                    command: "talosctl health"
                """);
        home.tool("talosctl", "echo 'error: rpc error: code = Unavailable desc = connection refused' >&2; exit 1");
        home.env.put("OPENAI_API_KEY", "sk-test-unreachable-000111222333");
        home.env.put("EXECUTOR_RETRY_THRESHOLD", "1");
        home.env.put("OPENAI_MAX_RETRIES", "1");
        return home;
    }

    static int apiCalls(Home home) throws Exception {
        int sum = 0;
        for (JsonNode e : home.state("errors.json")) {
            sum += e.path("api_calls").asInt();
        }
        return sum;
    }

    @Test
    void a_refused_model_server_never_spends_the_budget_however_often_the_stage_runs() throws Exception {
        Home home = home();
        home.env.put("OPENAI_BASE_URL", "http://127.0.0.1:1/v1");
        for (int run = 1; run <= 4; run++) {
            Home.Result r = home.engine("run", "talos");
            assertThat(r.code()).as(r.all()).isEqualTo(1);
            assertThat(r.all()).doesNotContain("budget spent").contains("could not be reached", "not counted");
            assertThat(home.state("stage_status.json").get("talos").asText()).as("run %d", run).isEqualTo("failed");
            assertThat(apiCalls(home)).as("run %d: the reservation was given back", run).isZero();
        }
        assertThat(home.audit("talos", "model_unreachable")).hasSize(4)
                .allSatisfy(e -> {
                    assertThat(e.at("/details/tries").asInt()).isEqualTo(2);
                    assertThat(e.at("/details/calls_counted").asInt()).isZero();
                    assertThat(e.at("/details/message").asText()).contains("127.0.0.1:1", "no request was sent");
                });
        assertThat(home.audit("talos", "model_call")).as("no model call was made").isEmpty();
        Home.Result status = home.engine("status", "--json");
        JsonNode row = new ObjectMapper().readTree(status.out()).path("stages").get(0);
        assertThat(row.path("api_calls").asInt()).isZero();
        assertThat(row.path("status").asText()).isEqualTo("failed");
    }

    @Test
    void a_server_that_got_the_case_and_failed_still_counts_until_the_budget_ends_it() throws Exception {
        Home home = home();
        MockWebServer server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        try {
            for (int i = 0; i < 20; i++) {
                server.enqueue(new MockResponse().setResponseCode(503).setBody("{\"error\":{\"message\":\"overloaded\"}}"));
            }
            home.env.put("OPENAI_BASE_URL", server.url("/v1").toString());
            for (int run = 1; run <= 3; run++) {
                home.engine("run", "talos");
                assertThat(apiCalls(home)).as("run %d", run).isEqualTo(run);
            }
            Home.Result last = home.engine("run", "talos");
            assertThat(home.state("stage_status.json").get("talos").asText()).as(last.all()).isEqualTo("give_up");
            assertThat(server.getRequestCount()).as("two tries per call, three calls").isEqualTo(6);
            assertThat(home.audit("talos", "model_unreachable")).isEmpty();
        } finally {
            server.shutdown();
        }
    }
}
