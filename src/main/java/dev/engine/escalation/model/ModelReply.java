package dev.engine.escalation.model;

/**
 * A checked answer and what it cost.
 *
 * @param rawContent the message content exactly as the model sent it (for {@code _response.json})
 * @param model the model the server says answered (falls back to the requested one)
 * @param mode {@code json_schema} or {@code json_object} (the fallback for servers without structured outputs)
 * @param transportRetries how many HTTP attempts were repeated because of the transport (not budget calls)
 */
public record ModelReply(
        ModelAnswer answer,
        String rawContent,
        String model,
        long promptTokens,
        long completionTokens,
        String mode,
        int transportRetries) {

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
