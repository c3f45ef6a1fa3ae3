package dev.engine.escalation;

import dev.engine.fingerprint.ReverseLines;
import dev.engine.fingerprint.TailReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last lines of a stage log, read backwards so a 2 GB log costs the same as a small one. */
public final class LogTail {
    private LogTail() {}

    public static String of(Path log, int lines) throws IOException {
        if (log == null || !Files.isRegularFile(log)) {
            return "";
        }
        Deque<String> kept = new ArrayDeque<>();
        try (ReverseLines r = new TailReader().open(log)) {
            String line;
            while (kept.size() < lines && (line = r.previous()) != null) {
                kept.addFirst(line);
            }
        }
        return String.join("\n", kept) + (kept.isEmpty() ? "" : "\n");
    }
}
