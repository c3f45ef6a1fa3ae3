package dev.engine.escalation.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import okhttp3.mockwebserver.MockResponse;

/** Bodies in the shape the OpenAI Chat Completions API really sends (copied from live responses). */
final class ChatWire {
    static final ObjectMapper JSON = new ObjectMapper();

    private ChatWire() {}

    static MockResponse completion(String content) {
        return completion(content, null, "stop");
    }

    static MockResponse completion(String content, String refusal, String finishReason) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
        root.put("object", "chat.completion");
        root.put("created", 1741570283L);
        root.put("model", "gpt-4o-2024-08-06");
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        message.put("refusal", refusal);
        message.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 1117);
        usage.put("completion_tokens", 46);
        usage.put("total_tokens", 1163);
        ObjectNode promptDetails = usage.putObject("prompt_tokens_details");
        promptDetails.put("cached_tokens", 0);
        promptDetails.put("audio_tokens", 0);
        ObjectNode completionDetails = usage.putObject("completion_tokens_details");
        completionDetails.put("reasoning_tokens", 0);
        completionDetails.put("audio_tokens", 0);
        completionDetails.put("accepted_prediction_tokens", 0);
        completionDetails.put("rejected_prediction_tokens", 0);
        root.put("service_tier", "default");
        root.put("system_fingerprint", "fp_fc9f1d7035");
        return json(200, root.toString());
    }

    /** An OpenAI error body: {"error": {message, type, param, code}}. */
    static MockResponse error(int status, String message, String type, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return json(status, root.toString());
    }

    static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String answer(String type, String summary, String patch, String[] commands, String reason) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", type);
        root.put("summary", summary);
        root.put("patch", patch);
        if (commands == null) {
            root.putNull("commands");
        } else {
            ArrayNode array = root.putArray("commands");
            for (String c : commands) {
                array.add(c);
            }
        }
        root.put("reason", reason);
        return root.toString();
    }
}
