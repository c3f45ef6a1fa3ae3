package dev.engine.escalation.casefile;

import java.util.function.Supplier;

/** A stretch of the case file, in document order. */
sealed interface Piece {
    /** Text that is always there (headings, the header, the response contract). */
    record Fixed(String text) implements Piece {}

    /** Text that depends on how parts are shown (e.g. the list of files left out); small. */
    record Dynamic(Supplier<String> text) implements Piece {}

    /** A part that can be trimmed. */
    record Trimmable(Part part) implements Piece {}
}
