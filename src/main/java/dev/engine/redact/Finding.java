package dev.engine.redact;

/**
 * A secret a diff would add, shown only through its placeholder (invariant I8: the refusal that
 * reports it must not carry it).
 *
 * @param path the file the diff changes, redacted (a token can be part of a file name)
 * @param line the line in the new file, or 0 when the secret is in the file's name
 * @param kind what was found: {@code known value} or a token format such as {@code github-token}
 * @param placeholder the placeholder that stands for the secret
 * @param excerpt the added line, redacted
 * @param reason why it counts, for a human: {@code the value of DB_PASSWORD (env)}, {@code a github-token}
 */
public record Finding(String path, int line, String kind, String placeholder, String excerpt, String reason) {
    /** One line for a refusal message or the audit trail. */
    public String describe() {
        return path + (line > 0 ? ":" + line : " (file name)") + ": " + reason + " " + placeholder;
    }
}
