package dev.engine.escalation.model;

/**
 * Why {@link ModelClient#ask} produced no usable answer. Every message is meant for an operator,
 * never contains the API key, and quotes server or model text only as a short cleaned excerpt.
 * Tokens are those the server reported for the failed call (0 when it reported none, e.g. on HTTP
 * errors); the call still counts against the budget, so the caller should record them, unless
 * {@link TransportFailure#neverSent()} proves nothing was sent.
 */
public abstract sealed class ModelException extends Exception {
    private final long promptTokens;
    private final long completionTokens;

    ModelException(String message, long promptTokens, long completionTokens) {
        super(message);
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** A short name for the audit trail: transport, refusal, truncated, invalid_answer, rejected. */
    public abstract String kind();

    /** The server could not be reached or kept failing (connection, timeout, 408/429/5xx) after bounded retries. */
    /**
     * The name the audit trail's {@code error} field gives this failure (model_call events):
     * spelled here, never derived from a class name.
     */
    public String wire() {
        return switch (kind()) {
            case "transport" -> "TransportFailure";
            case "refusal" -> "Refusal";
            case "truncated" -> "Truncated";
            case "invalid_answer" -> "InvalidAnswer";
            case "rejected" -> "Rejected";
            default -> kind();
        };
    }

    public static final class TransportFailure extends ModelException {
        private final int tries;
        private final boolean neverSent;

        /** A failure after which the request may have reached the server. */
        public TransportFailure(String message, int tries) {
            this(message, tries, false);
        }

        /** @param neverSent no try of the call began to write its request (see {@link #neverSent()}) */
        public TransportFailure(String message, int tries, boolean neverSent) {
            super(message, 0, 0);
            this.tries = tries;
            this.neverSent = neverSent;
        }

        /** HTTP attempts made, the first included. */
        public int tries() {
            return tries;
        }

        /**
         * True only when it is known that no try of this call wrote any of its request: every try
         * failed before the HTTP request started (name resolution, connect, TLS handshake). The
         * case never left the machine, so the call cost nothing. False whenever that is not proven.
         */
        public boolean neverSent() {
            return neverSent;
        }

        @Override
        public String kind() {
            return "transport";
        }
    }

    /** The model declined ({@code message.refusal}, or the content filter stopped it). */
    public static final class Refusal extends ModelException {
        private final String refusal;

        public Refusal(String message, String refusal, long promptTokens, long completionTokens) {
            super(message, promptTokens, completionTokens);
            this.refusal = refusal == null ? "" : refusal;
        }

        /** The refusal text as sent (untrusted). */
        public String refusal() {
            return refusal;
        }

        @Override
        public String kind() {
            return "refusal";
        }
    }

    /** The answer was cut off ({@code finish_reason: length}). */
    public static final class Truncated extends ModelException {
        private final String partialContent;

        public Truncated(String message, String partialContent, long promptTokens, long completionTokens) {
            super(message, promptTokens, completionTokens);
            this.partialContent = partialContent == null ? "" : partialContent;
        }

        /** What arrived before the cut (untrusted). */
        public String partialContent() {
            return partialContent;
        }

        @Override
        public String kind() {
            return "truncated";
        }
    }

    /** The reply was empty, not JSON, or broke the answer schema; also a reply that is not a chat completion. */
    public static final class InvalidAnswer extends ModelException {
        private final String rawContent;

        public InvalidAnswer(String message, String rawContent, long promptTokens, long completionTokens) {
            super(message, promptTokens, completionTokens);
            this.rawContent = rawContent == null ? "" : rawContent;
        }

        /** The content as sent (untrusted), empty when there was none. */
        public String rawContent() {
            return rawContent;
        }

        @Override
        public String kind() {
            return "invalid_answer";
        }
    }

    /** The server refused the request itself (4xx other than 408/429): bad key, unknown model, bad request. */
    public static final class Rejected extends ModelException {
        private final int statusCode;

        public Rejected(String message, int statusCode) {
            super(message, 0, 0);
            this.statusCode = statusCode;
        }

        public int statusCode() {
            return statusCode;
        }

        @Override
        public String kind() {
            return "rejected";
        }
    }
}
