package dev.engine.escalation.diagnostics;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ${NAME}} and {@code $NAME} references, as the shell spells simple ones. */
final class Vars {
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private Vars() {}

    /**
     * Text with every reference to a known variable replaced by its value; references to unknown
     * ones stay, written as {@code ${NAME}}. Only used to compare a request with a configured diagnostic, never
     * to build what runs.
     */
    static String substituteKnown(String text, Map<String, String> vars) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = vars.get(name);
            // An unknown one is spelled ${NAME} either way, so "$X" and "${X}" still compare equal.
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : "${" + name + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Runs of spaces and tabs become one space; ends trimmed. Newlines are left alone on purpose. */
    static String normalizeSpace(String text) {
        return text.replaceAll("[ \t]+", " ").replaceAll("^ | $", "");
    }
}
