package dev.engine.escalation.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.LogLevel;
import com.openai.core.ObjectMappers;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.completions.CompletionUsage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;

/**
 * One model endpoint spoken to over the OpenAI Chat Completions API (OpenAI, Ollama, vLLM, a
 * proxy). Each {@link #ask} is one model call as far as the budget is concerned; transport
 * retries inside it are not.
 *
 * <p>Answers are requested with a strict JSON-schema response format. A server that rejects that
 * format is asked again, once, in {@code json_object} mode with the schema in the system prompt,
 * and this client keeps using that mode from then on. Either way the answer goes through
 * {@link ModelAnswer#parse}, which also takes the object as the one thing in a ```json fence: a
 * server may accept the response format and still not apply it.
 *
 * <p>Retries are done here rather than by the SDK (which is set to 0 retries): the SDK caps a
 * server's Retry-After at 8 s, retries response timeouts (a model still generating would be asked,
 * and billed, twice), and does not say how many attempts it made.
 *
 * <p>Whether a call ever left the machine is observed, not guessed from exception types: OkHttp
 * reports the moment it starts writing a request's headers. A call for which that never happened,
 * on any of its tries (the host did not resolve, the connection was refused or timed out, the TLS
 * handshake failed), ends in a {@link ModelException.TransportFailure} that says so, and the
 * caller may give its budget reservation back.
 */
public final class ModelClient implements AutoCloseable {

    static final String MODE_JSON_SCHEMA = "json_schema";
    static final String MODE_JSON_OBJECT = "json_object";

    static final String JSON_OBJECT_INSTRUCTIONS =
            "Reply with exactly one JSON object and nothing else. It must match this JSON schema "
                    + "(every property present; null where it does not apply):\n";

    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int SERVER_TEXT_CHARS = 300;
    // Placeholder bearer for local servers that want no key: the SDK insists on a credential.
    private static final String NO_KEY = "no-key";

    private final ModelSettings settings;
    private final RetryPolicy retry;
    private final OpenAIClient client;
    private final ResponseFormatJsonSchema schemaFormat;
    private final AtomicBoolean jsonObjectOnly = new AtomicBoolean();
    /** Requests whose headers OkHttp began to write, over this client's life: the proof that something was sent. */
    private final AtomicLong requestsStarted = new AtomicLong();

    public ModelClient(ModelSettings settings) {
        this(settings, RetryPolicy.DEFAULT);
    }

    ModelClient(ModelSettings settings, RetryPolicy retry) {
        this(settings, retry, Dns.SYSTEM);
    }

    /** @param dns how host names resolve; tests pass a failing one instead of asking a real resolver */
    ModelClient(ModelSettings settings, RetryPolicy retry, Dns dns) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.retry = Objects.requireNonNull(retry, "retry");
        Duration connect = settings.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? settings.timeout() : MAX_CONNECT_TIMEOUT;
        // The transport is ours (the SDK borrows it) so an event listener can see what was sent.
        OkHttpClient http = new OkHttpClient.Builder()
                .connectTimeout(connect)
                .readTimeout(settings.timeout())
                .writeTimeout(settings.timeout())
                .callTimeout(settings.timeout())
                // Model calls are minutes apart, and a pooled connection that a proxy or an HTTP/1.0
                // server closed meanwhile fails the next call; a fresh connection costs one handshake.
                .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .dns(Objects.requireNonNull(dns, "dns"))
                .eventListener(new EventListener() {
                    @Override
                    public void requestHeadersStart(Call call) {
                        requestsStarted.incrementAndGet();
                    }
                })
                .build();
        this.client = OpenAIOkHttpClient.builder()
                .okHttpClient(http)
                .baseUrl(settings.baseUrl())
                .apiKey(settings.hasApiKey() ? settings.apiKey() : NO_KEY)
                .timeout(Timeout.builder()
                        .connect(connect)
                        .read(settings.timeout())
                        .write(settings.timeout())
                        .request(settings.timeout())
                        .build())
                .maxRetries(0)
                // OPENAI_LOG would otherwise make the SDK print requests (case files) to stderr.
                .logLevel(LogLevel.OFF)
                // No OS/JVM fingerprint headers to third-party endpoints.
                .disableTelemetry(true)
                .build();
        this.schemaFormat = schemaFormat();
    }

    /**
     * Sends one case to the model and returns its checked answer.
     *
     * @throws ModelException.TransportFailure the server could not be reached or kept failing;
     *     {@link ModelException.TransportFailure#neverSent()} when no try of this call wrote a request
     * @throws ModelException.Rejected the server refused the request (key, model, request shape)
     * @throws ModelException.Refusal the model declined
     * @throws ModelException.Truncated the answer was cut off
     * @throws ModelException.InvalidAnswer the answer broke the schema or was no answer at all
     */
    public ModelReply ask(String systemPrompt, String userContent) throws ModelException {
        long startedBefore = requestsStarted.get();
        try {
            return askOnce(systemPrompt, userContent);
        } catch (ModelException.TransportFailure e) {
            // Another thread's request on this client in the meantime also counts: that errs on
            // the side of "sent", never the other way.
            boolean neverSent = requestsStarted.get() == startedBefore;
            throw new ModelException.TransportFailure(e.getMessage() + (neverSent ? "; no request was sent" : ""),
                    e.tries(), neverSent);
        }
    }

    private ModelReply askOnce(String systemPrompt, String userContent) throws ModelException {
        Objects.requireNonNull(systemPrompt, "systemPrompt");
        Objects.requireNonNull(userContent, "userContent");
        int retriesSoFar = 0;
        if (!jsonObjectOnly.get()) {
            try {
                return exchange(MODE_JSON_SCHEMA, systemPrompt, userContent, 0);
            } catch (FormatUnsupported unsupported) {
                jsonObjectOnly.set(true);
                retriesSoFar = unsupported.transportRetries;
            }
        }
        try {
            return exchange(MODE_JSON_OBJECT, systemPrompt, userContent, retriesSoFar);
        } catch (FormatUnsupported notEvenJsonObject) {
            throw new ModelException.Rejected(where() + " supports neither the json_schema nor the json_object "
                    + "response format: " + notEvenJsonObject.serverText, notEvenJsonObject.statusCode);
        }
    }

    /** The JSON body {@link #ask} would send now (in the mode this client currently uses). */
    public String requestBodyFor(String systemPrompt, String userContent) {
        String mode = jsonObjectOnly.get() ? MODE_JSON_OBJECT : MODE_JSON_SCHEMA;
        try {
            return ObjectMappers.jsonMapper().writeValueAsString(params(mode, systemPrompt, userContent)._body());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code json_schema}, or {@code json_object} once the server has turned structured outputs down. */
    public String mode() {
        return jsonObjectOnly.get() ? MODE_JSON_OBJECT : MODE_JSON_SCHEMA;
    }

    @Override
    public void close() {
        client.close();
    }

    private ModelReply exchange(String mode, String systemPrompt, String userContent, int retriesBefore)
            throws ModelException, FormatUnsupported {
        ChatCompletionCreateParams params = params(mode, systemPrompt, userContent);
        int tries = 0;
        while (true) {
            tries++;
            String problem;
            Duration wait;
            try {
                ChatCompletion completion = client.chat().completions().create(params);
                return interpret(completion, mode, retriesBefore + tries - 1);
            } catch (OpenAIServiceException e) {
                int status = e.statusCode();
                if (status == 429 && e.code().filter("insufficient_quota"::equals).isPresent()) {
                    // OpenAI's "out of credit" is a 429 too, but waiting does not fix it.
                    throw new ModelException.Rejected(where() + " refused the request (HTTP 429: " + serverText(e)
                            + "); the account has no quota left, see its billing settings", status);
                }
                if (!retryable(status)) {
                    String text = serverText(e);
                    if ((status == 400 || status == 422) && aboutResponseFormat(e)) {
                        throw new FormatUnsupported(status, text, retriesBefore + tries - 1);
                    }
                    throw new ModelException.Rejected(where() + " rejected the request (HTTP " + status + ": "
                            + text + ")" + hint(status), status);
                }
                problem = "HTTP " + status + " (" + (status == 429 ? "rate limited" : "server error") + ": "
                        + serverText(e) + ")";
                wait = retryAfter(e.headers()).map(retry::capRetryAfter).orElse(null);
            } catch (OpenAIIoException | OpenAIInvalidDataException e) {
                Optional<IOException> io = ioCause(e);
                if (io.isEmpty()) {
                    throw new ModelException.InvalidAnswer(where() + " sent a reply that is not a chat completion: "
                            + Untrusted.withoutKey(rootMessage(e), settings.apiKey(), SERVER_TEXT_CHARS), "", 0, 0);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new ModelException.TransportFailure("the model call to " + where() + " was interrupted", tries);
                }
                if (responseTimedOut(io.get())) {
                    // Not retried: the server may still be generating (and billing) the first answer.
                    throw new ModelException.TransportFailure("no answer from " + where() + " within "
                            + human(settings.timeout()) + " (model " + settings.model() + "); gave up after "
                            + plural(tries, "try", "tries") + "; a slow model needs a longer timeout", tries);
                }
                problem = "cannot reach it (" + describe(io.get()) + ")";
                wait = null;
            } catch (OpenAIException e) {
                throw new ModelException.TransportFailure("the model call to " + where() + " failed: "
                        + Untrusted.withoutKey(rootMessage(e), settings.apiKey(), SERVER_TEXT_CHARS), tries);
            }
            // One bound per ask(): retries spent before a format fallback count too.
            if (retriesBefore + tries > settings.maxRetries()) {
                throw new ModelException.TransportFailure("the model server " + where() + " failed: " + problem
                        + "; gave up after " + plural(tries, "try", "tries"), tries);
            }
            try {
                retry.pause().pause(wait != null ? wait : retry.backoff(tries));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException.TransportFailure("the model call to " + where()
                        + " was interrupted while waiting to retry", tries);
            }
        }
    }

    private ModelReply interpret(ChatCompletion completion, String mode, int transportRetries) throws ModelException {
        long prompt = 0;
        long output = 0;
        String content = "";
        try {
            Optional<CompletionUsage> usage = completion.usage();
            if (usage.isPresent()) {
                prompt = usage.get()._promptTokens().asKnown().orElse(0L);
                output = usage.get()._completionTokens().asKnown().orElse(0L);
            }
            String model = completion._model().asKnown().filter(m -> !m.isBlank()).orElse(settings.model());
            List<ChatCompletion.Choice> choices = completion.choices();
            if (choices.isEmpty()) {
                throw new ModelException.InvalidAnswer(where() + " returned no choices (model " + model + ")", "",
                        prompt, output);
            }
            ChatCompletion.Choice choice = choices.get(0);
            ChatCompletionMessage message = choice.message();
            content = message.content().orElse("");
            String finish = choice._finishReason().asKnown().map(ChatCompletion.Choice.FinishReason::asString).orElse("");
            Optional<String> refusal = message.refusal().filter(r -> !r.isBlank());
            if (refusal.isPresent()) {
                throw new ModelException.Refusal("model " + model + " refused: "
                        + Untrusted.excerpt(refusal.get(), SERVER_TEXT_CHARS), refusal.get(), prompt, output);
            }
            if (finish.equals("content_filter")) {
                throw new ModelException.Refusal("model " + model + " was stopped by the content filter", "content_filter",
                        prompt, output);
            }
            if (finish.equals("length")) {
                throw new ModelException.Truncated("the answer of model " + model + " was cut off at the token limit ("
                        + output + " completion tokens); ask for a smaller answer or raise the model's limit",
                        content, prompt, output);
            }
            if (content.isBlank()) {
                throw new ModelException.InvalidAnswer("model " + model + " sent an empty answer (finish_reason "
                        + Untrusted.excerpt(finish, 40) + ")", content, prompt, output);
            }
            ModelAnswer answer;
            try {
                answer = ModelAnswer.parse(content);
            } catch (InvalidAnswerException e) {
                throw new ModelException.InvalidAnswer("the answer of model " + model + " does not fit the schema: "
                        + e.getMessage(), content, prompt, output);
            }
            return new ModelReply(answer, content, model, prompt, output, mode, transportRetries);
        } catch (OpenAIInvalidDataException e) {
            throw new ModelException.InvalidAnswer(where() + " sent a chat completion without a usable "
                    + Untrusted.excerpt(e.getMessage(), 80), content, prompt, output);
        }
    }

    private ChatCompletionCreateParams params(String mode, String systemPrompt, String userContent) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(settings.model());
        String system = mode.equals(MODE_JSON_OBJECT)
                ? (systemPrompt.isBlank() ? "" : systemPrompt + "\n\n") + JSON_OBJECT_INSTRUCTIONS + ModelAnswer.JSON_SCHEMA
                : systemPrompt;
        if (!system.isBlank()) {
            b.addSystemMessage(system);
        }
        b.addUserMessage(userContent);
        if (mode.equals(MODE_JSON_OBJECT)) {
            b.responseFormat(ResponseFormatJsonObject.builder().build());
        } else {
            b.responseFormat(schemaFormat);
        }
        return b.build();
    }

    private static ResponseFormatJsonSchema schemaFormat() {
        JsonNode schema;
        try {
            schema = ObjectMappers.jsonMapper().readTree(ModelAnswer.JSON_SCHEMA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ModelAnswer.JSON_SCHEMA is not JSON", e);
        }
        ResponseFormatJsonSchema.JsonSchema.Schema.Builder body = ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            body.putAdditionalProperty(field.getKey(), JsonValue.fromJsonNode(field.getValue()));
        }
        return ResponseFormatJsonSchema.builder()
                .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name(ModelAnswer.SCHEMA_NAME)
                        .strict(true)
                        .schema(body.build())
                        .build())
                .build();
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /** Ollama, vLLM and older proxies answer a json_schema response format with a 400 that says so. */
    private static boolean aboutResponseFormat(OpenAIServiceException e) {
        String text = (e.getMessage() + " " + e.param().orElse("") + " " + e.code().orElse("")).toLowerCase(Locale.ROOT);
        return text.contains("response_format") || text.contains("response format") || text.contains("json_schema")
                || text.contains("not supported") || text.contains("unsupported");
    }

    /** The server's own words, cleaned: the SDK prefixes its message with the status code. */
    private String serverText(OpenAIServiceException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        text = text.replaceFirst("^\\d{3}: ", "");
        if (text.isBlank() || text.equals("Unknown")) {
            text = "no error message";
        }
        return Untrusted.withoutKey(text, settings.apiKey(), SERVER_TEXT_CHARS);
    }

    private String hint(int status) {
        return switch (status) {
            case 401 -> "; check OPENAI_API_KEY (" + (settings.hasApiKey() ? "a key is set but the server does not accept it"
                    : "no key is set") + ")";
            case 403 -> "; the key has no access to model " + settings.model() + " or to this API";
            case 404 -> "; check OPENAI_MODEL ('" + settings.model() + "') and that OPENAI_BASE_URL includes the API "
                    + "version, e.g. .../v1";
            default -> "";
        };
    }

    /** Retry-After-Ms (OpenAI), else Retry-After in seconds or as an HTTP date. */
    private static Optional<Duration> retryAfter(Headers headers) {
        Optional<String> millis = first(headers, "Retry-After-Ms");
        if (millis.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(millis.get().strip())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        Optional<String> value = first(headers, "Retry-After");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().strip();
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Optional.of(Duration.between(ZonedDateTime.now(at.getZone()), at));
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Optional<String> first(Headers headers, String name) {
        List<String> values = headers.values(name);
        return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** The network failure behind an SDK exception; a JSON parse error (also an IOException) is not one. */
    private static Optional<IOException> ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JacksonException) {
                return Optional.empty();
            }
            if (c instanceof IOException io) {
                return Optional.of(io);
            }
        }
        return Optional.empty();
    }

    /** A read or whole-call timeout; a connect timeout sent nothing and is safe to retry. */
    private static boolean responseTimedOut(IOException io) {
        for (Throwable c = io; c != null; c = c.getCause()) {
            if (c instanceof InterruptedIOException) {
                String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
                return !m.contains("connect");
            }
        }
        return false;
    }

    private String describe(IOException io) {
        String m = io.getMessage() == null ? "" : ": " + io.getMessage();
        return Untrusted.withoutKey(io.getClass().getSimpleName() + m, settings.apiKey(), SERVER_TEXT_CHARS);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root == t ? String.valueOf(m) : t.getMessage() + ": " + root.getClass().getSimpleName()
                + (m == null ? "" : " " + m);
    }

    private String where() {
        return settings.displayUrl();
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The server turned the json_schema response format down; carries what it said. */
    private static final class FormatUnsupported extends Exception {
        final int statusCode;
        final String serverText;
        final int transportRetries;

        FormatUnsupported(int statusCode, String serverText, int transportRetries) {
            super(null, null, false, false);
            this.statusCode = statusCode;
            this.serverText = serverText;
            this.transportRetries = transportRetries;
        }
    }
}
