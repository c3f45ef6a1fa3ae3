package dev.engine.escalation.diagnostics;

import java.util.Objects;

/**
 * How a command is judged. A model's request must name only known hosts and, for
 * {@code talosctl get}, only listed resource types. A human's configured entry is trusted with
 * the names it was written with (the context map is itself a known-names source), and with
 * resource types this engine does not list, unless they look secret; every other rule holds for both.
 *
 * @param configured the command is a stage's own {@code diagnostics:} entry
 * @param names      the hosts and DNS names a request may name
 */
record Context(boolean configured, KnownNames names) {
    Context {
        Objects.requireNonNull(names, "names");
    }

    static Context request(KnownNames names) {
        return new Context(false, names);
    }

    static Context configuredEntry() {
        return new Context(true, KnownNames.none());
    }

    /** Throws unless {@code host} may be contacted ({@link Rule#HOST_UNKNOWN}). */
    void requireKnownHost(String tool, String what, String host) {
        if (configured) {
            return;
        }
        if (!names.contains(host)) {
            throw new RuleViolation(Rule.HOST_UNKNOWN, tool + " " + what + " '" + host + "' appears nowhere in the stage's files,"
                    + " failure log or context map; a diagnostic may only contact hosts named there");
        }
    }
}
