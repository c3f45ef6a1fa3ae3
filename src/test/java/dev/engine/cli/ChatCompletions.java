package dev.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.RecordedRequest;

/** Chat Completions wire format for MockWebServer: responses as OpenAI sends them, and reading what the engine sent. */
public final class ChatCompletions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatCompletions() {}

    public static MockResponse answer(String type, String summary, String patch, List<String> commands, String reason) {
        ObjectNode a = JSON.createObjectNode();
        a.put("type", type);
        a.put("summary", summary);
        a.put("patch", patch);
        ArrayNode c = a.putArray("commands");
        commands.forEach(c::add);
        a.put("reason", reason);
        return completion(a.toString(), "stop", 1200, 80);
    }

    public static MockResponse patch(String summary, String diff) {
        return answer("patch", summary, diff, List.of(), "");
    }

    public static MockResponse diagnostics(String summary, String... commands) {
        return answer("diagnostics", summary, "", List.of(commands), "");
    }

    public static MockResponse giveUp(String reason) {
        return answer("give_up", "needs a human", "", List.of(), reason);
    }

    public static MockResponse completion(String content, String finishReason, int promptTokens, int completionTokens) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", "chatcmpl-test");
        r.put("object", "chat.completion");
        r.put("created", 1763790000L);
        r.put("model", "gpt-4o-2024-08-06");
        ObjectNode choice = r.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode m = choice.putObject("message");
        m.put("role", "assistant");
        m.put("content", content);
        m.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        ObjectNode u = r.putObject("usage");
        u.put("prompt_tokens", promptTokens);
        u.put("completion_tokens", completionTokens);
        u.put("total_tokens", promptTokens + completionTokens);
        r.put("system_fingerprint", "fp_test");
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(r.toString());
    }

    /** The user message the engine sent: the case file. */
    public static String userMessage(RecordedRequest request) throws Exception {
        JsonNode body = JSON.readTree(request.getBody().clone().readUtf8());
        for (JsonNode m : body.path("messages")) {
            if ("user".equals(m.path("role").asText())) {
                return m.path("content").isTextual() ? m.path("content").asText() : m.path("content").toString();
            }
        }
        throw new AssertionError("no user message in " + body);
    }

    public static String body(RecordedRequest request) {
        return request.getBody().clone().readUtf8();
    }
}
