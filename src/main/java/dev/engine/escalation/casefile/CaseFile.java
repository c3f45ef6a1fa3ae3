package dev.engine.escalation.casefile;

import java.util.List;

/**
 * A built case file.
 *
 * @param text          exactly the text to write to {@code escalations/..._case_vN.md} and send
 * @param tokens        the tokens of {@code text}, counted on the final text
 * @param filesIncluded stage files (relative paths) whose content, whole or in part, is in the text
 * @param notes         for the operator and the audit trail: how memo sections were chosen, stage files
 *                      not read (missing, refused, binary) and what was cut to fit the budget, and why
 */
public record CaseFile(String text, int tokens, int version, List<String> filesIncluded, List<String> notes) {
    public CaseFile {
        filesIncluded = List.copyOf(filesIncluded);
        notes = List.copyOf(notes);
    }
}
