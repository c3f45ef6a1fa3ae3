package dev.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo's stand-in for the OpenAI API: a loopback server that speaks the Chat Completions wire
 * format and replays recorded answers in order. It is not a model; the demo says so.
 */
final class StandInModel implements AutoCloseable {
    private final HttpServer server;
    private final List<String> answers;
    private final AtomicInteger served = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();

    StandInModel(List<String> answers) throws IOException {
        this.answers = List.copyOf(answers);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::complete);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    int served() {
        return served.get();
    }

    private void complete(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, "{\"error\":{\"message\":\"POST only\"}}");
                return;
            }
            JsonNode request = json.readTree(body);
            int n = served.getAndIncrement();
            String content = answers.get(Math.min(n, answers.size() - 1));
            ObjectNode reply = json.createObjectNode();
            reply.put("id", "chatcmpl-standin-" + n);
            reply.put("object", "chat.completion");
            reply.put("created", System.currentTimeMillis() / 1000);
            reply.put("model", request.path("model").asText("stand-in"));
            ArrayNode choices = reply.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", content);
            message.putNull("refusal");
            choice.put("finish_reason", "stop");
            ObjectNode usage = reply.putObject("usage");
            // A rough count (4 bytes a token) so the demo's token figures are plausible, not real.
            int prompt = body.length / 4;
            int completion = content.length() / 4;
            usage.put("prompt_tokens", prompt);
            usage.put("completion_tokens", completion);
            usage.put("total_tokens", prompt + completion);
            send(ex, 200, json.writeValueAsString(reply));
        }
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
