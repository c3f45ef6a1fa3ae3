package dev.engine.escalation.casefile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a case file will lack, said before any case is built: {@code validate} asks here so that a
 * {@code files:} entry dropped by a rule, or an {@code architecture_sections} name the memo has no
 * section for, is reported once, up front, instead of being noticed in a case file sent to a model.
 */
public final class CaseSources {
    private CaseSources() {}

    /**
     * A {@code files:} entry (or a file under a listed directory) a case file never shows because a
     * rule refuses it: a symlink (never followed), an absolute path, {@code ..}, {@code .git}.
     *
     * @param entry the entry as written, or the path under it that was refused
     */
    public record DroppedFile(String entry, String reason) {}

    /** The refused entries of one stage's {@code files:} list, checked in {@code root} (the workspace); nothing is read. */
    public static List<DroppedFile> droppedFiles(Path root, List<String> entries) throws IOException {
        List<DroppedFile> out = new ArrayList<>();
        for (StageFiles.Skipped s : StageFiles.select(root, entries).skipped()) {
            if (s.kind() == StageFiles.Skip.REFUSED) {
                out.add(new DroppedFile(s.entry(), s.reason()));
            }
        }
        return out;
    }

    /**
     * An {@code architecture_sections} name no heading of the memo matches.
     *
     * @param selectedByKeywords the headings the name's keyword group selects instead (empty: the
     *     case file gets nothing for this name)
     */
    public record MissingSection(String name, List<String> selectedByKeywords) {}

    /** The names of {@code sections} that no heading of the memo matches, with what their keywords select instead. */
    public static List<MissingSection> missingSections(Path memo, List<String> sections, Map<String, List<String>> keywords)
            throws IOException {
        MemoIndex index = new MemoIndex(new Lines(Files.readString(memo, StandardCharsets.UTF_8)));
        List<MissingSection> out = new ArrayList<>();
        for (String name : sections) {
            if (index.hasHeading(name)) continue;
            // The selection a case file would make for this name alone: its keyword group, no stage text.
            Map<String, List<String>> group = keywords.containsKey(name) ? Map.of(name, keywords.get(name)) : Map.of();
            List<String> titles = index.select(List.of(name), group, "").chunks().stream().map(MemoIndex.Chunk::title).toList();
            out.add(new MissingSection(name, titles));
        }
        return out;
    }
}
