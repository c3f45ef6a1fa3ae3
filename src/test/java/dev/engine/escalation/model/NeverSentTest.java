package dev.engine.escalation.model;

import static dev.engine.escalation.model.ChatWire.answer;
import static dev.engine.escalation.model.ChatWire.completion;
import static dev.engine.escalation.model.ChatWire.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dns;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, I6: a model call whose every try failed before its request was written cost nothing
 * and says so ({@link ModelException.TransportFailure#neverSent()}); a call any try of which may
 * have reached the server never says so. Loopback only: a refused port, a resolver that fails, a
 * socket that breaks the TLS handshake, MockWebServer.
 */
class NeverSentTest {
    static final String KEY = "sk-test-SECRET0123456789abcdefXYZ";
    static final String CASE = "# Case v1\nstage talos failed";

    final List<Duration> pauses = new CopyOnWriteArrayList<>();
    final RetryPolicy recorded = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1), pauses::add);
    MockWebServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    static ModelSettings settings(String url, int maxRetries) {
        return new ModelSettings(url, KEY, "gpt-4o", Duration.ofSeconds(3), maxRetries);
    }

    ModelException.TransportFailure failure(ModelClient client) {
        ModelException.TransportFailure e = catchThrowableOfType(ModelException.TransportFailure.class, () -> client.ask("s", CASE));
        assertThat(e).as("a transport failure").isNotNull();
        return e;
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionOnEveryTryWasNeverSent() throws Exception {
        try (ModelClient client = new ModelClient(settings("http://127.0.0.1:" + closedPort() + "/v1", 2), recorded)) {
            ModelException.TransportFailure e = failure(client);
            assertThat(e.tries()).isEqualTo(3);
            assertThat(e.neverSent()).isTrue();
            assertThat(e.getMessage()).contains("cannot reach", "no request was sent");
        }
    }

    @Test
    void theIssuesAddressPortOneWasNeverSent() throws Exception {
        try (ModelClient client = new ModelClient(settings("http://127.0.0.1:1/v1", 0), recorded)) {
            assertThat(failure(client).neverSent()).isTrue();
        }
    }

    @Test
    void anUnknownHostWasNeverSent() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        Dns nxdomain = host -> {
            lookups.incrementAndGet();
            throw new UnknownHostException(host + ": Name or service not known");
        };
        try (ModelClient client = new ModelClient(settings("https://api.openai.invalid/v1", 1), recorded, nxdomain)) {
            ModelException.TransportFailure e = failure(client);
            assertThat(e.neverSent()).isTrue();
            assertThat(e.getMessage()).contains("UnknownHostException");
        }
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aFailedTlsHandshakeWasNeverSent() throws Exception {
        // Something that is not a TLS server answers the port: the handshake fails before any request byte.
        try (ServerSocket plain = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (Socket s = plain.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "not-tls");
            t.setDaemon(true);
            t.start();
            try (ModelClient client = new ModelClient(settings("https://127.0.0.1:" + plain.getLocalPort() + "/v1", 1), recorded)) {
                ModelException.TransportFailure e = failure(client);
                assertThat(e.neverSent()).isTrue();
                assertThat(e.tries()).isEqualTo(2);
            }
        }
    }

    @Test
    void aServerThatDropsTheConnectionMayHaveSeenTheRequest() throws Exception {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        try (ModelClient client = new ModelClient(settings(server.url("/v1").toString(), 1), recorded)) {
            assertThat(failure(client).neverSent()).isFalse();
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aTimedOutAnswerWasSent() throws Exception {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        try (ModelClient client = new ModelClient(new ModelSettings(server.url("/v1").toString(), KEY, "gpt-4o",
                Duration.ofMillis(500), 0), recorded)) {
            assertThat(failure(client).neverSent()).isFalse();
        }
    }

    @Test
    void oneTryThatReachedTheServerMakesTheWholeCallSent() throws Exception {
        // First try: the server answers 503 (it got the case). Then it goes away: the retries are refused.
        server.enqueue(error(503, "The engine is currently overloaded, please try again later.", "server_error", null, null));
        RetryPolicy serverDiesWhileWeWait = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1), d -> {
            try {
                server.shutdown();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (ModelClient client = new ModelClient(settings(server.url("/v1").toString(), 2), serverDiesWhileWeWait)) {
            ModelException.TransportFailure e = failure(client);
            assertThat(e.tries()).isEqualTo(3);
            assertThat(e.getMessage()).contains("cannot reach");
            assertThat(e.neverSent()).as("the first try reached the server").isFalse();
        }
    }

    @Test
    void aLaterCallOnTheSameClientIsJudgedOnItsOwnTries() throws Exception {
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        String url = server.url("/v1").toString();
        try (ModelClient client = new ModelClient(settings(url, 0), recorded)) {
            client.ask("s", CASE);
            server.shutdown();
            assertThat(failure(client).neverSent()).isTrue();
        }
    }

    @Test
    void theSdkStillGetsItsTimeoutsAndNoPooledConnection() throws Exception {
        // The transport is built by the engine now: the settings must still reach it.
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = new ModelClient(settings(server.url("/v1").toString(), 0), recorded)) {
            client.ask("s", CASE);
            client.ask("s", CASE);
        }
        assertThat(server.takeRequest().getSequenceNumber()).isZero();
        assertThat(server.takeRequest().getSequenceNumber()).isZero();
    }
}
