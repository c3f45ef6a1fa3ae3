package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * Decides whether a command the model asked for may run (DESIGN.md §6 I7). It may when, after
 * substituting {@code ${VAR}}/{@code $VAR} on both sides, it equals (spaces normalized) one of
 * the stage's configured {@code diagnostics}, or when it is a read-only command of
 * {@link ReadOnlyRules} written without any shell metacharacter.
 *
 * <p>The request only selects: on a match, what runs is the configured entry as the human wrote
 * it, split into argv without a shell, with variable values spliced into single arguments. So a
 * request (or a variable) holding {@code ; rm -rf /} can never add a command.
 *
 * <p>Configured entries keep the same rules as requests ({@link #checkConfigured}): an entry that
 * points a tool at other configuration, reads a secret type or asks another DNS server is never
 * run, and {@code engine validate} reports it. Two rules only apply to requests: the names a
 * request may look up or contact must be {@link KnownNames known}, and {@code talosctl get} of a
 * type the engine does not list is refused unless a human configured it (and it looks harmless).
 */
public final class DiagnosticsPolicy {
    /** Longer requests are refused before any other look: nobody types a 4 KB diagnostic. */
    static final int MAX_LENGTH = 4096;
    private static final String NOT_CONFIGURED = "not one of the stage's diagnostics and ";

    /** One thing wrong with a configured entry: the rule it breaks and why. */
    public record Violation(Rule rule, String message) {
        public Violation {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return message + " [" + rule.id() + "]";
        }
    }

    /** A configured diagnostic, ready to run or with the reason it cannot be. */
    private record Entry(String template, String comparable, List<List<String>> pipeline, Violation problem, int index) {}

    private final Map<String, String> vars;
    private final List<Entry> entries;
    private final KnownNames names;

    /** A policy for which no names are known: every DNS lookup, ping or talosctl node of a request is refused. */
    public DiagnosticsPolicy(List<String> stageDiagnostics, Map<String, String> vars) {
        this(stageDiagnostics, vars, KnownNames.none());
    }

    /**
     * @param names the names a request may look up or contact (from the stage's files, failure log
     *              and context map); values of the variables the entries use are added
     */
    public DiagnosticsPolicy(List<String> stageDiagnostics, Map<String, String> vars, KnownNames names) {
        Map<String, String> known = new HashMap<>();
        vars.forEach((k, v) -> {
            if (k != null && v != null) {
                known.put(k, v);
            }
        });
        this.vars = Map.copyOf(known);
        List<Entry> list = new ArrayList<>();
        List<String> used = new ArrayList<>();
        for (int i = 0; i < stageDiagnostics.size(); i++) {
            list.add(entry(stageDiagnostics.get(i), i + 1));
            for (String name : referencedVariables(stageDiagnostics.get(i))) {
                used.add(this.vars.get(name));
            }
        }
        this.entries = List.copyOf(list);
        // A variable the human used in a diagnostic (CTRL_IP) names a host they mean to reach.
        this.names = Objects.requireNonNull(names, "names").plus(used);
    }

    public Verdict check(String requested) {
        if (requested == null || requested.isBlank()) {
            return new Verdict.Refused(requested == null ? "" : requested, Rule.EMPTY, "the command is empty");
        }
        if (requested.length() > MAX_LENGTH) {
            return new Verdict.Refused(requested, Rule.TOO_LONG,
                    "the command is longer than " + MAX_LENGTH + " characters (" + requested.length() + ")");
        }
        String comparable = Vars.normalizeSpace(Vars.substituteKnown(requested, vars));
        for (Entry e : entries) {
            if (e.problem() == null && e.comparable().equals(comparable)) {
                return new Verdict.Allowed(requested, e.pipeline(), "stage diagnostic #" + e.index() + ": " + e.template());
            }
        }
        for (Entry e : entries) {
            if (e.problem() != null && e.comparable().equals(comparable)) {
                return new Verdict.Refused(requested, e.problem().rule(), "matches the stage diagnostic #" + e.index() + " '"
                        + e.template() + "', but that entry cannot be run: " + e.problem().message());
            }
        }
        return readOnly(requested);
    }

    /**
     * What is wrong with a stage's configured {@code diagnostics} entry, checked as it would run:
     * with {@code vars} substituted. Empty when the entry may run. Used by {@code engine validate}
     * and when a policy is built. Unknown variables are not reported here (the environment at run
     * time may have them); the rules are checked with the reference left in place.
     */
    public static List<Violation> checkConfigured(String entry, Map<String, String> vars) {
        if (entry == null || entry.isBlank()) {
            return List.of(new Violation(Rule.EMPTY, "the entry is empty"));
        }
        ShellWords.Parsed parsed = ShellWords.parse(entry);
        if (!parsed.isOk()) {
            return List.of(new Violation(Rule.STAGE_ENTRY, "it " + parsed.problem() + ", which needs a shell"));
        }
        Map<String, String> withPlaceholders = new HashMap<>();
        for (String name : referencedVariables(entry)) {
            withPlaceholders.put(name, "${" + name + "}");
        }
        vars.forEach((k, v) -> {
            if (k != null && v != null) {
                withPlaceholders.put(k, v);
            }
        });
        List<Violation> out = new ArrayList<>();
        for (List<String> segment : ShellWords.substitute(parsed.segments(), withPlaceholders).pipeline()) {
            try {
                ReadOnlyRules.checkConfiguredSegment(segment);
            } catch (RuleViolation v) {
                out.add(new Violation(v.rule(), v.getMessage()));
            }
        }
        return List.copyOf(out);
    }

    private Entry entry(String template, int index) {
        String comparable = Vars.normalizeSpace(Vars.substituteKnown(template, vars));
        ShellWords.Parsed parsed = ShellWords.parse(template);
        if (!parsed.isOk()) {
            return unusable(template, comparable, Rule.STAGE_ENTRY, "it " + parsed.problem() + ", which needs a shell", index);
        }
        ShellWords.Substituted s = ShellWords.substitute(parsed.segments(), vars);
        if (s.unknownVariable() != null) {
            return unusable(template, comparable, Rule.STAGE_ENTRY, "unknown variable ${" + s.unknownVariable() + "}", index);
        }
        if (s.pipeline().isEmpty()) {
            return unusable(template, comparable, Rule.STAGE_ENTRY, "a pipeline segment is empty once its variables are substituted", index);
        }
        for (List<String> segment : s.pipeline()) {
            try {
                ReadOnlyRules.checkConfiguredSegment(segment);
            } catch (RuleViolation v) {
                return unusable(template, comparable, v.rule(), "it breaks the diagnostics rules: " + v.getMessage(), index);
            }
        }
        return new Entry(template, comparable, s.pipeline(), null, index);
    }

    private static Entry unusable(String template, String comparable, Rule rule, String why, int index) {
        return new Entry(template, comparable, List.of(), new Violation(rule, why), index);
    }

    private static List<String> referencedVariables(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = Vars.REFERENCE.matcher(text);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    /** The second way in: a read-only command, with no shell syntax at all. */
    private Verdict readOnly(String requested) {
        Verdict.Refused bad = unsafeCharacter(requested);
        if (bad != null) {
            return bad;
        }
        ShellWords.Parsed parsed = ShellWords.parse(requested);
        if (!parsed.isOk()) {
            return new Verdict.Refused(requested, parsed.rule(), NOT_CONFIGURED + "it " + parsed.problem());
        }
        // Nothing of the request is a variable (no '$' got past the character check).
        List<String> argv = ShellWords.substitute(parsed.segments(), Map.of()).pipeline().get(0);
        ReadOnlyRules.Decision d = ReadOnlyRules.check(argv, Context.request(names));
        if (d.rule() != null) {
            return new Verdict.Allowed(requested, List.of(argv), d.rule());
        }
        return new Verdict.Refused(requested, d.refusedBy(), NOT_CONFIGURED + d.refusal());
    }

    /**
     * The first character a shell would act on, a control character, or any character outside
     * ASCII: a lookalike (fullwidth '｜', Cyrillic 'с' in "kubeсtl") must not pass as the real one.
     * Quotes are fine, as simple quoting.
     */
    private static Verdict.Refused unsafeCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                return new Verdict.Refused(s, Rule.METACHAR, NOT_CONFIGURED + "it contains a line break");
            }
            if (Character.isISOControl(c) && c != '\t') {
                return new Verdict.Refused(s, Rule.METACHAR, NOT_CONFIGURED + String.format("it contains control character U+%04X", (int) c));
            }
            if (c > 0x7e) {
                int cp = s.codePointAt(i);
                return new Verdict.Refused(s, Rule.NON_ASCII, NOT_CONFIGURED + String.format(
                        "it contains the non-ASCII character U+%04X%s (lookalike characters are refused)", cp,
                        printable(cp) ? " '" + new String(Character.toChars(cp)) + "'" : ""));
            }
            var meta = Metachars.at(s, i);
            if (meta.isPresent()) {
                return new Verdict.Refused(s, Rule.METACHAR, NOT_CONFIGURED + "it contains shell metacharacter '" + meta.get() + "'");
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
