package dev.engine.patch;

import java.util.Arrays;
import java.util.List;

/**
 * A text file as lines (each without '\n', a '\r' kept) plus whether the last line ends with
 * '\n'. Joining gives back the exact bytes it was split from.
 */
record FileText(List<String> lines, boolean finalNewline) {
    FileText {
        lines = List.copyOf(lines);
    }

    static FileText of(String text) {
        if (text.isEmpty()) return new FileText(List.of(), false);
        String[] parts = text.split("\n", -1);
        boolean finalNewline = parts[parts.length - 1].isEmpty();
        int n = finalNewline ? parts.length - 1 : parts.length;
        return new FileText(Arrays.asList(parts).subList(0, n), finalNewline);
    }

    String text() {
        if (lines.isEmpty()) return "";
        return String.join("\n", lines) + (finalNewline ? "\n" : "");
    }

    /** Most '\n'-terminated lines end in "\r\n": added lines should too. */
    boolean isCrlf() {
        int terminated = finalNewline ? lines.size() : lines.size() - 1;
        int crlf = 0;
        for (int k = 0; k < terminated; k++) {
            if (lines.get(k).endsWith("\r")) crlf++;
        }
        return terminated > 0 && crlf * 2 > terminated;
    }
}
