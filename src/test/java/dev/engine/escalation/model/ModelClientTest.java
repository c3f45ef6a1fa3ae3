package dev.engine.escalation.model;

import static dev.engine.escalation.model.ChatWire.answer;
import static dev.engine.escalation.model.ChatWire.completion;
import static dev.engine.escalation.model.ChatWire.error;
import static dev.engine.escalation.model.ChatWire.json;
import static dev.engine.escalation.model.ChatWire.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelClientTest {
    static final String KEY = "sk-test-SECRET0123456789abcdefXYZ";
    static final String MODEL = "gpt-4o-2024-08-06";
    static final String SYSTEM = "You fix failing homelab stages.";
    static final String CASE = "# Case v1\nstage talos failed: connection refused";
    static final String PATCH = "--- a/stages/talos.sh\n+++ b/stages/talos.sh\n@@ -1 +1 @@\n-sleep 1\n+sleep 5\n";

    MockWebServer server;
    final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    /** Waits are recorded, not slept: the test checks what the client would wait. */
    ModelClient client(Duration timeout, int maxRetries) {
        RetryPolicy recorded = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(60),
                pauses::add);
        return new ModelClient(new ModelSettings(server.url("/v1").toString(), KEY, MODEL, timeout, maxRetries),
                recorded);
    }

    ModelClient client() {
        return client(Duration.ofSeconds(5), 2);
    }

    JsonNode body(RecordedRequest request) {
        return tree(request.getBody().readUtf8());
    }

    RecordedRequest take() throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the server").isNotNull();
        return r;
    }

    @Test
    void patchAnswerIsParsedAndTheRequestIsAStrictJsonSchemaChatCompletion() throws Exception {
        server.enqueue(completion(answer("patch", "Wait longer for the API server.", PATCH, null, null)));
        ModelReply reply;
        try (ModelClient client = client()) {
            reply = client.ask(SYSTEM, CASE);
        }

        assertThat(reply.answer().type()).isEqualTo(ModelAnswer.Type.PATCH);
        assertThat(reply.answer().patch()).isEqualTo(PATCH);
        assertThat(reply.answer().summary()).isEqualTo("Wait longer for the API server.");
        assertThat(reply.model()).isEqualTo(MODEL);
        assertThat(reply.promptTokens()).isEqualTo(1117);
        assertThat(reply.completionTokens()).isEqualTo(46);
        assertThat(reply.totalTokens()).isEqualTo(1163);
        assertThat(reply.mode()).isEqualTo("json_schema");
        assertThat(reply.transportRetries()).isZero();
        assertThat(tree(reply.rawContent()).get("patch").asText()).isEqualTo(PATCH);

        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = body(request);
        assertThat(body.get("model").asText()).isEqualTo(MODEL);
        assertThat(body.get("messages")).hasSize(2);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo(SYSTEM);
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo(CASE);
        assertThat(body.at("/response_format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/response_format/json_schema/name").asText()).isEqualTo(ModelAnswer.SCHEMA_NAME);
        assertThat(body.at("/response_format/json_schema/strict").asBoolean()).isTrue();
        assertThat(body.at("/response_format/json_schema/schema")).isEqualTo(tree(ModelAnswer.JSON_SCHEMA));
        assertThat(body.at("/response_format/json_schema/schema/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void requestBodyForIsWhatIsSent() throws Exception {
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = client()) {
            String preview = client.requestBodyFor(SYSTEM, CASE);
            client.ask(SYSTEM, CASE);
            assertThat(body(take())).isEqualTo(tree(preview));
        }
    }

    @Test
    void everyCallUsesAFreshConnection() throws Exception {
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = client()) {
            client.ask(SYSTEM, CASE);
            client.ask(SYSTEM, CASE);
        }
        // the index of a request on its connection: 0 twice means no pooled connection was reused
        assertThat(take().getSequenceNumber()).isZero();
        assertThat(take().getSequenceNumber()).isZero();
    }

    @Test
    void diagnosticsAnswerCarriesTheCommands() throws Exception {
        server.enqueue(completion(answer("diagnostics", "Need to see the nodes.", null,
                new String[] {"kubectl get nodes -o wide", "talosctl --nodes 10.0.0.2 health"}, null)));
        try (ModelClient client = client()) {
            ModelReply reply = client.ask(SYSTEM, CASE);
            assertThat(reply.answer().type()).isEqualTo(ModelAnswer.Type.DIAGNOSTICS);
            assertThat(reply.answer().commands())
                    .containsExactly("kubectl get nodes -o wide", "talosctl --nodes 10.0.0.2 health");
            assertThat(reply.answer().patch()).isNull();
        }
    }

    @Test
    void giveUpAnswerCarriesTheReason() throws Exception {
        server.enqueue(completion(answer("give_up", "The Proxmox host is out of disk.", null, null,
                "Free space on local-lvm; no repository change can fix this.")));
        try (ModelClient client = client()) {
            ModelReply reply = client.ask(SYSTEM, CASE);
            assertThat(reply.answer().type()).isEqualTo(ModelAnswer.Type.GIVE_UP);
            assertThat(reply.answer().reason()).contains("local-lvm");
        }
    }

    @Test
    void malformedJsonContentIsAnInvalidAnswerWithItsTokens() throws Exception {
        server.enqueue(completion("{\"type\": \"patch\", \"summary\": \"x\", \"patch\": \"--- a"));
        try (ModelClient client = client()) {
            ModelException.InvalidAnswer e =
                    catchThrowableOfType(ModelException.InvalidAnswer.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("not valid JSON");
            assertThat(e.promptTokens()).isEqualTo(1117);
            assertThat(e.completionTokens()).isEqualTo(46);
            assertThat(e.rawContent()).startsWith("{\"type\": \"patch\"");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"rm_rf\",\"summary\":\"s\",\"patch\":null,\"commands\":null,\"reason\":null}",
        "{\"type\":\"patch\",\"summary\":\"s\",\"patch\":null,\"commands\":null,\"reason\":null}",
        "{\"type\":\"give_up\",\"summary\":\"s\",\"patch\":null,\"commands\":null,\"reason\":\"r\",\"run_as_root\":true}"
    })
    void answersThatBreakTheSchemaAreInvalid(String content) throws Exception {
        server.enqueue(completion(content));
        try (ModelClient client = client()) {
            ModelException.InvalidAnswer e =
                    catchThrowableOfType(ModelException.InvalidAnswer.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("does not fit the schema");
            assertThat(e.totalTokens()).isEqualTo(1163);
        }
    }

    @Test
    void emptyContentIsAnInvalidAnswer() throws Exception {
        server.enqueue(completion(""));
        try (ModelClient client = client()) {
            ModelException.InvalidAnswer e =
                    catchThrowableOfType(ModelException.InvalidAnswer.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e.getMessage()).contains("empty answer");
        }
    }

    @Test
    void refusalIsReportedWithItsText() throws Exception {
        server.enqueue(completion(null, "I'm sorry, I can't help with that.", "stop"));
        try (ModelClient client = client()) {
            ModelException.Refusal e = catchThrowableOfType(ModelException.Refusal.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.refusal()).isEqualTo("I'm sorry, I can't help with that.");
            assertThat(e.getMessage()).contains("refused").contains("can't help");
            assertThat(e.totalTokens()).isEqualTo(1163);
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void finishReasonLengthIsTruncated() throws Exception {
        server.enqueue(completion("{\"type\":\"patch\",\"summary\":\"s\",\"patch\":\"--- a/x\\n+++ b", null, "length"));
        try (ModelClient client = client()) {
            ModelException.Truncated e =
                    catchThrowableOfType(ModelException.Truncated.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.partialContent()).startsWith("{\"type\":\"patch\"");
            assertThat(e.getMessage()).contains("cut off");
            assertThat(e.completionTokens()).isEqualTo(46);
        }
    }

    @Test
    void rateLimitIsRetriedAfterWhatRetryAfterSays() throws Exception {
        server.enqueue(error(429, "Rate limit reached for gpt-4o on tokens per min (TPM). Please try again in 7s.",
                "tokens", null, "rate_limit_exceeded").setHeader("Retry-After", "7"));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = client()) {
            ModelReply reply = client.ask(SYSTEM, CASE);
            assertThat(reply.transportRetries()).isEqualTo(1);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(pauses).containsExactly(Duration.ofSeconds(7));
        // The retry is the same request again.
        assertThat(body(take())).isEqualTo(body(take()));
    }

    @Test
    void retryAfterIsCappedAndRetryAfterMsWins() throws Exception {
        server.enqueue(error(429, "slow down", "requests", null, "rate_limit_exceeded").setHeader("Retry-After", "3600"));
        server.enqueue(error(429, "slow down", "requests", null, "rate_limit_exceeded")
                .setHeader("Retry-After", "20").setHeader("retry-after-ms", "250"));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = client(Duration.ofSeconds(5), 3)) {
            assertThat(client.ask(SYSTEM, CASE).transportRetries()).isEqualTo(2);
        }
        assertThat(pauses).containsExactly(Duration.ofSeconds(60), Duration.ofMillis(250));
    }

    @Test
    void outOfQuotaIsRejectedAtOnceThoughItIsA429() throws Exception {
        server.enqueue(error(429, "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", null, "insufficient_quota"));
        try (ModelClient client = client()) {
            ModelException.Rejected e = catchThrowableOfType(ModelException.Rejected.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.getMessage()).contains("quota");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void serverErrorThenSuccessRetriesWithRealBackoff() throws Exception {
        server.enqueue(error(500, "The server had an error while processing your request. Sorry about that!",
                "server_error", null, null));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        RetryPolicy fast = new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(1),
                RetryPolicy.DEFAULT.pause());
        try (ModelClient client = new ModelClient(
                new ModelSettings(server.url("/v1").toString(), KEY, MODEL, Duration.ofSeconds(5), 2), fast)) {
            ModelReply reply = client.ask(SYSTEM, CASE);
            assertThat(reply.answer().type()).isEqualTo(ModelAnswer.Type.GIVE_UP);
            assertThat(reply.transportRetries()).isEqualTo(1);
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void serverErrorsForeverEndInTransportFailureAfterTheBound() throws Exception {
        for (int i = 0; i < 5; i++) {
            server.enqueue(error(503, "The engine is currently overloaded, please try again later.", "server_error",
                    null, null));
        }
        try (ModelClient client = client(Duration.ofSeconds(5), 2)) {
            ModelException.TransportFailure e =
                    catchThrowableOfType(ModelException.TransportFailure.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.tries()).isEqualTo(3);
            assertThat(e.getMessage()).contains("HTTP 503").contains("overloaded").contains("3 tries");
        }
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(pauses).hasSize(2);
        // exponential: the second wait is about twice the first (each with up to 25 % jitter off)
        assertThat(pauses.get(0)).isBetween(Duration.ofMillis(75), Duration.ofMillis(100));
        assertThat(pauses.get(1)).isBetween(Duration.ofMillis(150), Duration.ofMillis(200));
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithoutRetrying() throws Exception {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = client(Duration.ofMillis(700), 2)) {
            ModelException.TransportFailure e =
                    catchThrowableOfType(ModelException.TransportFailure.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.tries()).isEqualTo(1);
            assertThat(e.getMessage()).contains("no answer").contains("700 ms").contains("1 try");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void connectionRefusedIsRetriedThenTransportFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RetryPolicy recorded = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1),
                pauses::add);
        try (ModelClient client = new ModelClient(
                new ModelSettings("http://127.0.0.1:" + port + "/v1", KEY, MODEL, Duration.ofSeconds(2), 2), recorded)) {
            ModelException.TransportFailure e =
                    catchThrowableOfType(ModelException.TransportFailure.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.tries()).isEqualTo(3);
            assertThat(e.getMessage()).contains("cannot reach").contains("127.0.0.1:" + port).contains("3 tries");
        }
        assertThat(pauses).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // OpenAI, for a model without structured outputs
        "{\"error\":{\"message\":\"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.\",\"type\":\"invalid_request_error\",\"param\":\"response_format\",\"code\":null}}",
        // vLLM / older proxies: not wrapped in "error"
        "{\"object\":\"error\",\"message\":\"json_schema response format is unsupported\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}"
    })
    void jsonSchemaRejectedFallsBackToJsonObjectOnceAndForGood(String rejection) throws Exception {
        server.enqueue(json(400, rejection));
        server.enqueue(completion(answer("patch", "s", PATCH, null, null)));
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = client()) {
            ModelReply first = client.ask(SYSTEM, CASE);
            assertThat(first.mode()).isEqualTo("json_object");
            assertThat(first.answer().patch()).isEqualTo(PATCH);
            assertThat(first.transportRetries()).isZero();
            ModelReply second = client.ask(SYSTEM, CASE);
            assertThat(second.mode()).isEqualTo("json_object");
            assertThat(client.mode()).isEqualTo("json_object");
        }
        assertThat(server.getRequestCount()).isEqualTo(3);
        assertThat(body(take()).at("/response_format/type").asText()).isEqualTo("json_schema");
        for (int i = 0; i < 2; i++) {
            JsonNode fallback = body(take());
            assertThat(fallback.at("/response_format/type").asText()).isEqualTo("json_object");
            assertThat(fallback.at("/response_format/json_schema").isMissingNode()).isTrue();
            String system = fallback.at("/messages/0/content").asText();
            assertThat(system).startsWith(SYSTEM).contains(ModelAnswer.JSON_SCHEMA).contains("JSON");
            assertThat(fallback.at("/messages/1/content").asText()).isEqualTo(CASE);
        }
    }

    @Test
    void aServerWithNeitherResponseFormatIsRejected() throws Exception {
        String rejection = "{\"error\":{\"message\":\"response_format is not supported\",\"type\":\"invalid_request_error\","
                + "\"param\":\"response_format\",\"code\":null}}";
        server.enqueue(json(400, rejection));
        server.enqueue(json(400, rejection));
        try (ModelClient client = client()) {
            ModelException.Rejected e = catchThrowableOfType(ModelException.Rejected.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("neither").contains("json_object");
        }
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void anOtherBadRequestIsRejectedWithoutFallback() throws Exception {
        server.enqueue(error(400, "This model's maximum context length is 128000 tokens. However, your messages "
                + "resulted in 190000 tokens.", "invalid_request_error", "messages", "context_length_exceeded"));
        try (ModelClient client = client()) {
            ModelException.Rejected e = catchThrowableOfType(ModelException.Rejected.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.getMessage()).contains("maximum context length");
            assertThat(client.mode()).isEqualTo("json_schema");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void badKeyIsRejectedNamingTheProblemWithoutLeakingTheKey() throws Exception {
        server.enqueue(error(401, "Incorrect API key provided: sk-test-**********************fXYZ. You can find your "
                + "API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null,
                "invalid_api_key"));
        ModelException.Rejected e;
        try (ModelClient client = client()) {
            e = catchThrowableOfType(ModelException.Rejected.class, () -> client.ask(SYSTEM, CASE));
        }
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.getMessage()).contains("HTTP 401").contains("Incorrect API key").contains("OPENAI_API_KEY");
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(KEY).doesNotContain("SECRET").doesNotContain("sk-test-*");
        assertThat(e.getCause()).isNull();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void unknownModelIsRejectedWithAHint() throws Exception {
        server.enqueue(error(404, "The model `gpt-9` does not exist or you do not have access to it.",
                "invalid_request_error", null, "model_not_found"));
        try (ModelClient client = client()) {
            ModelException.Rejected e = catchThrowableOfType(ModelException.Rejected.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.getMessage()).contains("does not exist").contains("OPENAI_MODEL");
        }
    }

    @Test
    void aReplyThatIsNotAChatCompletionIsInvalid() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/html")
                .setBody("<html><body>Welcome to nginx!</body></html>"));
        try (ModelClient client = client()) {
            ModelException.InvalidAnswer e =
                    catchThrowableOfType(ModelException.InvalidAnswer.class, () -> client.ask(SYSTEM, CASE));
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("not a chat completion");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void noKeyMeansNoRealKeyIsSent() throws Exception {
        server.enqueue(completion(answer("give_up", "s", null, null, "r")));
        try (ModelClient client = new ModelClient(
                new ModelSettings(server.url("/v1/").toString(), "", "llama3.1:8b", Duration.ofSeconds(5), 0))) {
            client.ask("", CASE);
        }
        RecordedRequest request = take();
        assertThat(request.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeader("Authorization")).doesNotContain("sk-");
        // a blank system prompt sends only the user message
        assertThat(body(request).get("messages")).hasSize(1);
    }

    @Test
    void aFencedAnswerIsTakenInEitherResponseFormat() throws Exception {
        String fenced = "```json\n" + answer("give_up", "The Proxmox host is out of disk.", null, null, "Free local-lvm.") + "\n```";
        server.enqueue(completion(fenced));
        server.enqueue(json(400, "{\"error\":{\"message\":\"Invalid parameter: 'response_format' of type 'json_schema' is not"
                + " supported with this model.\",\"type\":\"invalid_request_error\",\"param\":\"response_format\",\"code\":null}}"));
        server.enqueue(completion(fenced));
        try (ModelClient client = client(Duration.ofSeconds(5), 0)) {
            ModelReply first = client.ask(SYSTEM, CASE);
            assertThat(first.mode()).isEqualTo("json_schema");
            assertThat(first.answer().reason()).isEqualTo("Free local-lvm.");
            ModelReply second = client.ask(SYSTEM, CASE);
            assertThat(second.mode()).isEqualTo("json_object");
            assertThat(second.answer().type()).isEqualTo(ModelAnswer.Type.GIVE_UP);
            assertThat(second.rawContent()).isEqualTo(fenced);
        }
    }
}
