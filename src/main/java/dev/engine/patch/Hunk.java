package dev.engine.patch;

import java.util.List;

/**
 * A hunk. The start numbers are copied from the header and are only a hint (models get them
 * wrong); the counts are recounted from the body, so they always agree with {@link #lines()}.
 */
public record Hunk(int oldStart, int oldCount, int newStart, int newCount, List<HunkLine> lines) {
    public Hunk {
        lines = List.copyOf(lines);
    }

    /** Builds a hunk whose counts come from its body. */
    public static Hunk of(int oldStartHint, int newStartHint, List<HunkLine> lines) {
        int oldCount = (int) lines.stream().filter(HunkLine::onOldSide).count();
        int newCount = (int) lines.stream().filter(HunkLine::onNewSide).count();
        return new Hunk(oldStartHint, oldCount, newStartHint, newCount, lines);
    }

    public int addedLines() { return (int) lines.stream().filter(l -> l.kind() == HunkLine.Kind.ADD).count(); }

    public int removedLines() { return (int) lines.stream().filter(l -> l.kind() == HunkLine.Kind.REMOVE).count(); }

    List<HunkLine> oldSide() { return lines.stream().filter(HunkLine::onOldSide).toList(); }

    List<HunkLine> newSide() { return lines.stream().filter(HunkLine::onNewSide).toList(); }
}
