package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Splits a command line into a pipeline of words the way a shell would for the simple cases,
 * and refuses everything that would need a real shell (DESIGN.md §6 I7): quoting with single
 * and double quotes, {@code |} between commands and {@code ${VAR}}/{@code $VAR} references are
 * understood; redirects, separators, substitutions, globs, escapes and the like are not.
 * A variable's value is spliced into its word afterwards and is never parsed, so a value holding
 * {@code ; rm -rf /} stays one argument.
 */
final class ShellWords {
    /** A piece of a word: literal text, or a variable reference resolved at substitution time. */
    sealed interface Piece {
        record Text(String text) implements Piece {}

        record Var(String name) implements Piece {}
    }

    record Word(List<Piece> pieces, boolean quoted) {
        Word {
            pieces = List.copyOf(pieces);
        }
    }

    /** Either the parsed pipeline or why the line cannot be run without a shell. */
    record Parsed(List<List<Word>> segments, String problem, Rule rule) {
        static Parsed ok(List<List<Word>> segments) {
            return new Parsed(segments.stream().map(List::copyOf).toList(), null, null);
        }

        static Parsed bad(Rule rule, String problem) {
            return new Parsed(List.of(), problem, rule);
        }

        boolean isOk() {
            return problem == null;
        }
    }

    /** Argv per segment, or the first unknown variable. */
    record Substituted(List<List<String>> pipeline, String unknownVariable) {}

    private final String line;
    private int pos;
    private final List<List<Word>> segments = new ArrayList<>();
    private List<Word> words = new ArrayList<>();
    private List<Piece> pieces;
    private StringBuilder text;
    private boolean quoted;

    private ShellWords(String line) {
        this.line = line;
    }

    static Parsed parse(String line) {
        try {
            return new ShellWords(line).run();
        } catch (Problem p) {
            return Parsed.bad(p.rule, p.getMessage());
        }
    }

    static Substituted substitute(List<List<Word>> segments, Map<String, String> vars) {
        List<List<String>> pipeline = new ArrayList<>();
        for (List<Word> segment : segments) {
            List<String> argv = new ArrayList<>();
            for (Word word : segment) {
                StringBuilder value = new StringBuilder();
                boolean hasVar = false;
                for (Piece piece : word.pieces()) {
                    if (piece instanceof Piece.Text t) {
                        value.append(t.text());
                    } else if (piece instanceof Piece.Var v) {
                        String s = vars.get(v.name());
                        if (s == null) {
                            return new Substituted(List.of(), v.name());
                        }
                        hasVar = true;
                        value.append(s);
                    }
                }
                // As in a shell, an unquoted word that was only an empty variable disappears;
                // unlike a shell, a value is never split into several words.
                if (value.length() == 0 && hasVar && !word.quoted()) {
                    continue;
                }
                argv.add(value.toString());
            }
            if (argv.isEmpty()) {
                return new Substituted(List.of(), null);
            }
            pipeline.add(List.copyOf(argv));
        }
        return new Substituted(List.copyOf(pipeline), null);
    }

    private Parsed run() {
        while (pos < line.length()) {
            char c = line.charAt(pos);
            switch (c) {
                case ' ', '\t' -> {
                    endWord();
                    pos++;
                }
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '$' -> dollar();
                case '|' -> pipe();
                default -> {
                    Metachars.at(line, pos).ifPresent(m -> {
                        throw new Problem(Rule.METACHAR, "contains shell metacharacter '" + m + "'");
                    });
                    checkControl(String.valueOf(c));
                    literal(c);
                    pos++;
                }
            }
        }
        endWord();
        if (words.isEmpty()) {
            throw new Problem(Rule.SHELL_SYNTAX, segments.isEmpty() ? "is empty" : "ends with '|' (empty pipeline segment)");
        }
        segments.add(words);
        return Parsed.ok(segments);
    }

    private void pipe() {
        if (next() == '|') {
            throw new Problem(Rule.METACHAR, "contains shell metacharacter '||'");
        }
        endWord();
        if (words.isEmpty()) {
            throw new Problem(Rule.SHELL_SYNTAX, "has an empty pipeline segment before '|'");
        }
        segments.add(words);
        words = new ArrayList<>();
        pos++;
    }

    private void singleQuoted() {
        int close = line.indexOf('\'', pos + 1);
        if (close < 0) {
            throw new Problem(Rule.SHELL_SYNTAX, "has an unbalanced single quote");
        }
        String inside = line.substring(pos + 1, close);
        checkControl(inside);
        startWord();
        quoted = true;
        text.append(inside);
        pos = close + 1;
    }

    private void doubleQuoted() {
        startWord();
        quoted = true;
        pos++;
        while (true) {
            if (pos >= line.length()) {
                throw new Problem(Rule.SHELL_SYNTAX, "has an unbalanced double quote");
            }
            char c = line.charAt(pos);
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '$') {
                dollar();
                continue;
            }
            if (c == '`') {
                throw new Problem(Rule.METACHAR, "contains shell metacharacter '`'");
            }
            if (c == '\\') {
                throw new Problem(Rule.METACHAR, "contains shell metacharacter '\\'");
            }
            checkControl(String.valueOf(c));
            text.append(c);
            pos++;
        }
    }

    /** {@code ${NAME}} or {@code $NAME}; anything else after a dollar is shell syntax. */
    private void dollar() {
        char n = next();
        if (n == '(') {
            throw new Problem(Rule.METACHAR, "contains shell metacharacter '$('");
        }
        if (n == '{') {
            int close = line.indexOf('}', pos + 2);
            if (close < 0) {
                throw new Problem(Rule.SHELL_SYNTAX, "has an unbalanced '${'");
            }
            String name = line.substring(pos + 2, close);
            if (!Vars.NAME.matcher(name).matches()) {
                throw new Problem(Rule.SHELL_SYNTAX, "contains shell parameter expansion '${" + name + "}'");
            }
            variable(name);
            pos = close + 1;
            return;
        }
        Matcher m = Vars.NAME.matcher(line).region(pos + 1, line.length());
        if (m.lookingAt()) {
            variable(m.group());
            pos = m.end();
            return;
        }
        throw new Problem(Rule.METACHAR, "contains shell metacharacter '$'");
    }

    private static void checkControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                throw new Problem(Rule.METACHAR, "contains a line break");
            }
            if (Character.isISOControl(c) && c != '\t') {
                throw new Problem(Rule.METACHAR, String.format("contains control character U+%04X", (int) c));
            }
        }
    }

    private char next() {
        return pos + 1 < line.length() ? line.charAt(pos + 1) : '\0';
    }

    private void literal(char c) {
        startWord();
        text.append(c);
    }

    private void variable(String name) {
        startWord();
        flushText();
        pieces.add(new Piece.Var(name));
    }

    private void startWord() {
        if (pieces == null) {
            pieces = new ArrayList<>();
            text = new StringBuilder();
            quoted = false;
        }
    }

    private void flushText() {
        if (text.length() > 0) {
            pieces.add(new Piece.Text(text.toString()));
            text.setLength(0);
        }
    }

    private void endWord() {
        if (pieces == null) {
            return;
        }
        flushText();
        if (pieces.isEmpty()) {
            pieces.add(new Piece.Text("")); // '' or "" is an empty argument, as in a shell
        }
        words.add(new Word(pieces, quoted));
        pieces = null;
        text = null;
    }

    /** Unwinds the parse with the reason; never escapes this class. */
    private static final class Problem extends RuntimeException {
        private final Rule rule;

        Problem(Rule rule, String message) {
            super(message, null, false, false);
            this.rule = rule;
        }
    }
}
