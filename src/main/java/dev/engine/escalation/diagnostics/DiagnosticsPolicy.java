package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a command the model asked for may run (DESIGN.md §6 I7). It may when, after
 * substituting {@code ${VAR}}/{@code $VAR} on both sides, it equals (spaces normalized) one of
 * the stage's configured {@code diagnostics}, or when it is a read-only command of
 * {@link ReadOnlyRules} written without any shell metacharacter.
 *
 * <p>The request only selects: on a match, what runs is the configured entry as the human wrote
 * it, split into argv without a shell, with variable values spliced into single arguments. So a
 * request (or a variable) holding {@code ; rm -rf /} can never add a command.
 */
public final class DiagnosticsPolicy {
    /** Longer requests are refused before any other look: nobody types a 4 KB diagnostic. */
    static final int MAX_LENGTH = 4096;
    private static final String NOT_CONFIGURED = "not one of the stage's diagnostics and ";

    /** A configured diagnostic, ready to run or with the reason it cannot be. */
    private record Entry(String template, String comparable, List<List<String>> pipeline, String problem, int index) {}

    private final Map<String, String> vars;
    private final List<Entry> entries;

    public DiagnosticsPolicy(List<String> stageDiagnostics, Map<String, String> vars) {
        Map<String, String> known = new HashMap<>();
        vars.forEach((k, v) -> {
            if (k != null && v != null) {
                known.put(k, v);
            }
        });
        this.vars = Map.copyOf(known);
        List<Entry> list = new ArrayList<>();
        for (int i = 0; i < stageDiagnostics.size(); i++) {
            list.add(entry(stageDiagnostics.get(i), i + 1));
        }
        this.entries = List.copyOf(list);
    }

    public Verdict check(String requested) {
        if (requested == null || requested.isBlank()) {
            return new Verdict.Refused(requested == null ? "" : requested, "the command is empty");
        }
        if (requested.length() > MAX_LENGTH) {
            return new Verdict.Refused(requested, "the command is longer than " + MAX_LENGTH + " characters (" + requested.length() + ")");
        }
        String comparable = Vars.normalizeSpace(Vars.substituteKnown(requested, vars));
        for (Entry e : entries) {
            if (e.problem() == null && e.comparable().equals(comparable)) {
                return new Verdict.Allowed(requested, e.pipeline(), "stage diagnostic #" + e.index() + ": " + e.template());
            }
        }
        for (Entry e : entries) {
            if (e.problem() != null && e.comparable().equals(comparable)) {
                return new Verdict.Refused(requested, "matches the stage diagnostic #" + e.index() + " '" + e.template()
                        + "', but that entry cannot be run: " + e.problem());
            }
        }
        return readOnly(requested);
    }

    private Entry entry(String template, int index) {
        String comparable = Vars.normalizeSpace(Vars.substituteKnown(template, vars));
        CommandLine.Parsed parsed = CommandLine.parse(template);
        if (!parsed.isOk()) {
            return new Entry(template, comparable, List.of(), "it " + parsed.problem() + ", which needs a shell", index);
        }
        CommandLine.Substituted s = CommandLine.substitute(parsed.segments(), vars);
        if (s.unknownVariable() != null) {
            return new Entry(template, comparable, List.of(), "unknown variable ${" + s.unknownVariable() + "}", index);
        }
        if (s.pipeline().isEmpty()) {
            return new Entry(template, comparable, List.of(), "a pipeline segment is empty once its variables are substituted", index);
        }
        return new Entry(template, comparable, s.pipeline(), null, index);
    }

    /** The second way in: a read-only command, with no shell syntax at all. */
    private static Verdict readOnly(String requested) {
        String problem = unsafeCharacter(requested);
        if (problem == null) {
            CommandLine.Parsed parsed = CommandLine.parse(requested);
            if (!parsed.isOk()) {
                problem = parsed.problem();
            } else {
                // Nothing of the request is a variable (no '$' got past the character check).
                List<String> argv = CommandLine.substitute(parsed.segments(), Map.of()).pipeline().get(0);
                ReadOnlyRules.Decision d = ReadOnlyRules.check(argv);
                if (d.rule() != null) {
                    return new Verdict.Allowed(requested, List.of(argv), d.rule());
                }
                return new Verdict.Refused(requested, NOT_CONFIGURED + d.refusal());
            }
        }
        return new Verdict.Refused(requested, NOT_CONFIGURED + "it " + problem);
    }

    /**
     * The first character a shell would act on, a control character, or any character outside
     * ASCII: a lookalike (fullwidth '｜', Cyrillic 'с' in "kubeсtl") must not pass as the real one.
     * Quotes are fine, as simple quoting.
     */
    private static String unsafeCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                return "contains a line break";
            }
            if (Character.isISOControl(c) && c != '\t') {
                return String.format("contains control character U+%04X", (int) c);
            }
            if (c > 0x7e) {
                int cp = s.codePointAt(i);
                return String.format("contains the non-ASCII character U+%04X%s (lookalike characters are refused)", cp,
                        printable(cp) ? " '" + new String(Character.toChars(cp)) + "'" : "");
            }
            var meta = Metachars.at(s, i);
            if (meta.isPresent()) {
                return "contains shell metacharacter '" + meta.get() + "'";
            }
        }
        return null;
    }

    /** Whether quoting the character in a message is harmless (no bidi overrides, invisible or combining marks). */
    private static boolean printable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.OTHER_NUMBER, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.OTHER_SYMBOL, Character.OTHER_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.CONNECTOR_PUNCTUATION -> true;
            default -> false;
        };
    }
}
