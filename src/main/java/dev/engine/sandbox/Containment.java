package dev.engine.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a process started on a stage's behalf may see and change (DESIGN.md §8). Inside the
 * sandbox the host file system is read-only and {@code /tmp} is private; {@code visible} paths
 * are shown read-only even where that private {@code /tmp} would cover them (a workspace under
 * {@code /tmp}); {@code hidden} folders are replaced by empty ones,
 * {@code readOnly} paths are shown again (read-only) inside a hidden folder, and only
 * {@code writable} paths and a private {@code /tmp} can be written. Later entries win over
 * earlier ones, so a writable clone inside a hidden {@code state/} folder is reachable.
 *
 * @param off why the process runs without a sandbox when it must (explicit {@code sandbox: off});
 *            empty when it is to be contained
 */
public record Containment(Optional<String> off, List<Path> visible, List<Path> hidden, List<Path> readOnly,
                          List<Path> writable) {
    public Containment {
        visible = List.copyOf(visible);
        hidden = List.copyOf(hidden);
        readOnly = List.copyOf(readOnly);
        writable = List.copyOf(writable);
    }

    /** No sandbox, with the reason a user is shown. */
    public static Containment off(String why) {
        return new Containment(Optional.of(why), List.of(), List.of(), List.of(), List.of());
    }

    public static Containment of(List<Path> visible, List<Path> hidden, List<Path> readOnly, List<Path> writable) {
        return new Containment(Optional.empty(), visible, hidden, readOnly, writable);
    }

    public boolean wanted() {
        return off.isEmpty();
    }
}
