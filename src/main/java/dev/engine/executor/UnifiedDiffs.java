package dev.engine.executor;

/** Finds the unified diff an executor printed among its other output. */
final class UnifiedDiffs {
    private UnifiedDiffs() {}

    /**
     * The text from the first {@code diff --git} (or {@code --- } followed by {@code +++ }) line
     * to the last line that can belong to a diff; "" when there is none. Whatever follows is
     * left to the parser, which refuses what it cannot read.
     */
    static String extract(String output) {
        String[] lines = output.split("\n", -1);
        int start = -1;
        for (int i = 0; i < lines.length && start < 0; i++) {
            if (lines[i].startsWith("diff --git ")
                    || (lines[i].startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ "))) {
                start = i;
            }
        }
        if (start < 0) {
            return "";
        }
        int end = start;
        for (int i = start; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("diff ") || l.startsWith("--- ") || l.startsWith("+++ ") || l.startsWith("@@")
                    || l.startsWith("+") || l.startsWith("-") || l.startsWith(" ") || l.startsWith("\\")
                    || l.startsWith("index ") || l.startsWith("new file") || l.startsWith("deleted file")
                    || l.startsWith("similarity") || l.startsWith("rename ") || l.startsWith("old mode")
                    || l.startsWith("new mode") || l.isEmpty()) {
                end = i;
            } else {
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = start; i <= end; i++) {
            sb.append(lines[i]).append('\n');
        }
        return sb.toString().stripTrailing() + "\n";
    }
}
