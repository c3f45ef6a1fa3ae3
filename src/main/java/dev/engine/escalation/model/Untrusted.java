package dev.engine.escalation.model;

import java.util.regex.Pattern;

/** Makes text from the model or the server safe to put into an exception message or the audit trail. */
final class Untrusted {
    static final int EXCERPT_CHARS = 160;

    // Servers echo parts of a bad key ("Incorrect API key provided: sk-abc***xyz"): never repeat them.
    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|rk|pk)-[A-Za-z0-9_*.\\-]{3,}");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]+");

    private Untrusted() {}

    /** One line, at most {@value #EXCERPT_CHARS} characters, without control or format characters. */
    static String excerpt(String text) {
        return excerpt(text, EXCERPT_CHARS);
    }

    static String excerpt(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        String flat = CONTROL.matcher(text).replaceAll(" ").strip();
        return flat.length() <= maxChars ? flat : flat.substring(0, maxChars) + "...";
    }

    /** {@link #excerpt} with anything that looks like an API key, and the given key, masked. */
    static String withoutKey(String text, String apiKey, int maxChars) {
        if (text == null) {
            return "";
        }
        String out = text;
        if (apiKey != null && !apiKey.isBlank()) {
            out = out.replace(apiKey, "***");
        }
        out = KEY_LIKE.matcher(out).replaceAll("$1-***");
        return excerpt(out, maxChars);
    }
}
