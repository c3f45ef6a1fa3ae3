package dev.engine.escalation.diagnostics;

import java.util.List;
import java.util.Optional;

/** The characters that mean something to a shell, named the way a refusal should quote them. */
final class Metachars {
    /** Everything except the pipe ({@code |}) and dollar, which {@link ShellWords} handles itself. */
    static final String SHELL = ";&><`(){}*?[]~!#\\";
    /** Two-character forms named as a whole, so "&&" is reported rather than "&". */
    private static final List<String> PAIRS = List.of("$(", "${", "&&", "||", ">>", "<<", "<(", ">(", "|&", "&>");

    private Metachars() {}

    /** The metacharacter (or pair) starting at {@code pos}, if the character there is one of {@link #SHELL}, '|' or '$'. */
    static Optional<String> at(String line, int pos) {
        char c = line.charAt(pos);
        if (SHELL.indexOf(c) < 0 && c != '|' && c != '$') {
            return Optional.empty();
        }
        for (String pair : PAIRS) {
            if (line.startsWith(pair, pos)) {
                return Optional.of(pair);
            }
        }
        return Optional.of(String.valueOf(c));
    }
}
