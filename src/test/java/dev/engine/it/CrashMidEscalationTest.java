package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * I6 under a crash: the engine is killed with -9 while the model server holds its request. The
 * call was reserved in errors.json before it was sent, so restarts never spend past the budget,
 * however many times the engine dies mid-call.
 */
class CrashMidEscalationTest {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    java.nio.file.Path tmp;
    EngineWorkspace w;
    MockWebServer server;

    @BeforeEach
    void setUp() throws IOException {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "talosctl health"
                """);
        w.fakeTool("talosctl", "echo 'error: connection refused' >&2\nexit 1");
        w.commit();
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        w.env("OPENAI_API_KEY", "sk-test-crash").env("OPENAI_BASE_URL", server.url("/v1").toString())
                .env("OPENAI_TIMEOUT", "5m").env("EXECUTOR_RETRY_THRESHOLD", "1");
    }

    @AfterEach
    void tearDown() throws IOException {
        w.close();
        server.shutdown();
    }

    @Test
    void killing_the_engine_during_model_calls_never_spends_more_than_the_budget() throws Exception {
        // The server never answers: every call hangs until the engine is killed.
        for (int i = 0; i < 10; i++) {
            server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        }
        for (int round = 1; round <= 3; round++) {
            EngineProcess engine = w.start("run", "talos");
            RecordedRequest inFlight = server.takeRequest(STARTUP.toSeconds(), TimeUnit.SECONDS);
            assertThat(inFlight).as("round %d: the engine calls the model\n%s", round, engine.describe()).isNotNull();
            assertThat(w.stateFile("errors.json").toString()).as("reserved before the answer")
                    .contains("\"api_calls\":" + round);
            engine.kill9();
            engine.waitFor(Duration.ofSeconds(30));
        }
        // The budget was spent by the three killed calls: the fourth engine must not call at all.
        EngineProcess last = w.start("run", "talos");
        assertThat(last.waitFor(Duration.ofSeconds(90))).as(last.describe()).isEqualTo(1);
        assertThat(w.status("talos")).isEqualTo("give_up");
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(w.stateFile("stage_info.json").path("talos").path("reason").asText()).contains("budget");
    }

    @Test
    void a_call_killed_while_the_server_is_unreachable_stays_counted_and_later_unreachable_calls_give_back_only_their_own()
            throws Exception {
        // Port 1 on loopback refuses: every try fails before a request is written. Many retries,
        // so the engine is still trying (waiting between tries) when it is killed.
        w.env("OPENAI_BASE_URL", "http://127.0.0.1:1/v1").env("OPENAI_MAX_RETRIES", "50");
        EngineProcess engine = w.start("run", "talos");
        Await.until(STARTUP, "the call to be reserved", () -> w.stateFile("errors.json").toString().contains("\"api_calls\":1"),
                engine::describe);
        engine.kill9();
        engine.waitFor(Duration.ofSeconds(30));
        // Killed before the client could prove nothing was sent: the reservation stands.
        assertThat(w.stateFile("errors.json").toString()).contains("\"api_calls\":1");
        assertThat(w.auditEvents("talos", "model_unreachable")).isEmpty();

        w.env("OPENAI_MAX_RETRIES", "0");
        for (int round = 1; round <= 3; round++) {
            EngineProcess again = w.start("run", "talos");
            assertThat(again.waitFor(Duration.ofSeconds(90))).as(again.describe()).isEqualTo(1);
            assertThat(w.status("talos")).as("round %d\n%s", round, again.describe()).isEqualTo("failed");
            // Each finished call gave back its own reservation, and only that one.
            assertThat(w.stateFile("errors.json").toString()).as("round %d", round).contains("\"api_calls\":1");
            assertThat(w.auditEvents("talos", "model_unreachable")).hasSize(round);
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void sigterm_while_the_model_has_not_answered_stops_promptly_and_keeps_the_call_counted() throws Exception {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        EngineProcess engine = w.start("run", "talos");
        assertThat(server.takeRequest(STARTUP.toSeconds(), TimeUnit.SECONDS)).as(engine.describe()).isNotNull();
        engine.sigterm();
        // The model timeout is 5 minutes: exiting within 30 s means the call was abandoned, not awaited.
        assertThat(engine.waitFor(Duration.ofSeconds(30))).as(engine.describe()).isZero();
        assertThat(w.status("talos")).isEqualTo("failed");
        assertThat(w.stateFile("errors.json").toString()).contains("\"api_calls\":1");
        assertThat(engine.stdout()).contains("stopped");
        EngineProcess next = w.start("status");
        assertThat(next.waitFor(Duration.ofSeconds(60))).as("the lock was released").isZero();
    }
}
