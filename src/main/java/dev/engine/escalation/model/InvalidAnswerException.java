package dev.engine.escalation.model;

/**
 * The model's answer text does not satisfy {@link ModelAnswer#JSON_SCHEMA} and its rules. The
 * message names the field and the rule; it never quotes more than a short, cleaned excerpt of the
 * (untrusted) answer.
 */
public final class InvalidAnswerException extends Exception {
    public InvalidAnswerException(String message) {
        super(message);
    }
}
