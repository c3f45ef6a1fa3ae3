package dev.engine.escalation.casefile;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a (redacted) log tail points at: its error lines, the files it names, the line numbers it
 * cites and the identifiers in its error lines. Used to pick which files and which parts of them
 * a case file shows. The log is hostile: a clue only chooses what to show from files the stage
 * already lists, it never names a file to read.
 */
final class LogClues {
    private static final Pattern ERROR = Pattern.compile(
            "(?i)(?<![A-Za-z])(error|errors|err|fatal|failed|failure|fail|panic|exception|traceback|denied|refused"
                    + "|forbidden|unauthori[sz]ed|invalid|not found|no such|unknown|cannot|can't|couldn't|unable"
                    + "|timeout|timed out|deadline exceeded|x509|crashloopbackoff|imagepullbackoff|oomkilled"
                    + "|does not exist|doesn't exist|missing|mismatch|conflict|not allowed|unsupported|undefined"
                    + "|unreachable|no route|rejected|violat\\w*|exit (?:code|status) [1-9])(?![A-Za-z])");
    /** "1 error occurred:" followed by "\t* disk does not exist": the detail lines belong to the error. */
    private static final Pattern CONTINUATION = Pattern.compile("^(?:\\s+\\S|\\s*[*\\-•]\\s)");
    private static final Pattern LINE_WORD = Pattern.compile("(?i)\\bline\\s+(\\d{1,7})\\b");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"\\n]{2,80})\"|'([^'\\n]{2,80})'|`([^`\\n]{2,80})`");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-/]*[A-Za-z0-9_]");
    private static final Pattern NUMBER_AFTER_NAME = Pattern.compile("^[:(,]\\s*(?:line\\s+)?(\\d{1,7})");
    /** Something that looks like a file name, to tell when a log line is about another file. */
    private static final Pattern FILE_NAME = Pattern.compile(
            "[\\w.\\-/]*\\w\\.(?:ya?ml|sh|bash|json|toml|tf|hcl|py|go|conf|cfg|ini|env|txt|md|j2|tpl|nix|xml|js|ts|rb|pl|lua)\\b");
    private static final int MAX_ERROR_LINES_FOR_WORDS = 30;

    /** Words that say something went wrong or where, not what: they would match half of any file. */
    private static final Set<String> STOP = Set.of(
            "error", "errors", "failed", "failure", "fatal", "warning", "warn", "info", "debug", "trace", "unable",
            "cannot", "could", "would", "should", "with", "from", "that", "this", "there", "their", "have", "been",
            "were", "when", "which", "while", "into", "line", "file", "files", "exit", "code", "status", "command",
            "value", "values", "found", "expected", "unexpected", "invalid", "unknown", "must", "only", "does",
            "exist", "exists", "such", "directory", "after", "before", "retry", "retrying", "attempt", "time",
            "timed", "timeout", "waiting", "wait", "context", "deadline", "exceeded", "request", "response",
            "please", "check", "using", "used", "true", "false", "null", "none", "level", "stage", "redacted",
            "https", "http", "panic", "exception", "traceback", "denied", "refused", "forbidden", "unauthorized",
            "what", "where", "will", "some", "than", "then", "also", "more", "most", "other", "field", "type",
            "string", "object", "message", "reason", "result", "returned", "return", "failing", "fails", "error:",
            "yaml", "json", "the", "and", "not", "for", "are", "was", "near", "column", "character", "token",
            "unmarshal", "parse", "parsing", "decode", "decoding", "load", "loading", "read", "reading", "write",
            "connection", "connect", "dial", "tcp", "udp", "port", "host", "server", "client", "configuration", "config",
            "validation", "validate", "occurred", "specified", "applying", "apply", "create", "creating", "update",
            "updating", "delete", "deleting", "still", "again", "because", "cause", "caused", "during", "within");

    private final Lines log;
    private final List<Integer> errorLines;
    private final Set<String> identifiers;

    LogClues(Lines log) {
        this.log = log;
        List<Integer> errs = new ArrayList<>();
        int lastError = -100;
        for (int i = 0; i < log.size(); i++) {
            boolean continues = i - lastError <= 3 && CONTINUATION.matcher(log.get(i)).find();
            if (ERROR.matcher(log.get(i)).find() || continues) {
                errs.add(i);
                lastError = i;
            }
        }
        this.errorLines = List.copyOf(errs);
        this.identifiers = identifiers(log, errs);
    }

    List<Integer> errorLines() {
        return errorLines;
    }

    Set<String> identifiers() {
        return identifiers;
    }

    /**
     * Identifiers from the last error lines, most telling first: quoted strings, then names with
     * structure (a dot, slash, underscore, digit or inner capital: "/dev/sdb", "machine.install",
     * "talos_wait_ready", "podSubnets"), then plain words; within each class, latest error line first.
     */
    private static Set<String> identifiers(Lines log, List<Integer> errs) {
        Set<String> quoted = new LinkedHashSet<>();
        Set<String> structured = new LinkedHashSet<>();
        Set<String> plain = new LinkedHashSet<>();
        for (int k = errs.size() - 1; k >= 0 && k >= errs.size() - MAX_ERROR_LINES_FOR_WORDS; k--) {
            String line = log.get(errs.get(k));
            Matcher q = QUOTED.matcher(line);
            while (q.find()) {
                String s = q.group(1) != null ? q.group(1) : q.group(2) != null ? q.group(2) : q.group(3);
                s = s.strip();
                boolean meaningful = s.chars().anyMatch(c -> Character.isLetter(c) || c == '.' || c == '/' || c == ':');
                if (s.length() >= 3 && meaningful && !s.contains("[REDACTED")) quoted.add(s);
            }
            Matcher w = WORD.matcher(line);
            while (w.find()) {
                String word = w.group();
                addWord(structured, plain, word);
                if (word.matches(".*[./:\\-].*")) {
                    for (String part : word.split("[./:\\-]+")) addWord(structured, plain, part);
                }
            }
        }
        Set<String> out = new LinkedHashSet<>(quoted);
        out.addAll(structured);
        out.addAll(plain);
        return out;
    }

    private static void addWord(Set<String> structured, Set<String> plain, String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (word.length() < 4 || word.length() > 80 || STOP.contains(lower) || lower.startsWith("redacted")) return;
        if (word.chars().noneMatch(Character::isLetter)) return;
        if (isStructured(word)) structured.add(word);
        else plain.add(word);
    }

    static boolean isStructured(String word) {
        if (word.matches(".*[./_\\d].*") || word.matches(".*[a-z][A-Z].*")) return true;
        return word.indexOf('-') > 0 && word.indexOf('-') < word.length() - 1;
    }

    /** Whether the log names {@code path}: the whole relative path, or its file name standing alone. */
    boolean names(String path) {
        for (int i = 0; i < log.size(); i++) {
            if (mentions(log.get(i), path)) return true;
        }
        return false;
    }

    boolean mentions(String line, String path) {
        if (contains(line, path)) return true;
        String base = path.substring(path.lastIndexOf('/') + 1);
        return !base.equals(path) && contains(line, base);
    }

    /** {@code needle} in {@code hay}, not glued to a longer name on either side. */
    static boolean contains(String hay, String needle) {
        return indexOfWhole(hay, needle, 0) >= 0;
    }

    static int indexOfWhole(String hay, String needle, int from) {
        if (needle.isEmpty()) return -1;
        int i = hay.indexOf(needle, from);
        while (i >= 0) {
            boolean startOk = i == 0 || !nameChar(hay.charAt(i - 1));
            int end = i + needle.length();
            boolean endOk = end >= hay.length() || !nameChar(hay.charAt(end))
                    || (hay.charAt(end) == '.' || hay.charAt(end) == '-') // "vms.sh." ends a sentence; "vms.sh.bak" is another file
                    && (end + 1 >= hay.length() || !Character.isLetterOrDigit(hay.charAt(end + 1)));
            if (startOk && endOk) return i;
            i = hay.indexOf(needle, i + 1);
        }
        return -1;
    }

    private static boolean nameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    /**
     * Line numbers (1-based) the log cites for {@code path}: "path:42", "name.yaml:42:7", and
     * "line 42" on a line that names the file, or on one of the three lines after such a line when
     * no other file was named in between (a YAML parser's "yaml: line 42: ..." usually follows the
     * line that says which file it was reading).
     */
    Set<Integer> lineRefs(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        List<String> needles = base.equals(path) ? List.of(path) : List.of(path, base);
        Set<Integer> refs = new TreeSet<>();
        int lastMention = -100;
        boolean lastWasOurs = false;
        for (int i = 0; i < log.size(); i++) {
            String line = log.get(i);
            boolean ours = false;
            for (String needle : needles) {
                int at = indexOfWhole(line, needle, 0);
                while (at >= 0) {
                    ours = true;
                    int end = at + needle.length();
                    Matcher m = NUMBER_AFTER_NAME.matcher(line.substring(end));
                    if (m.find()) refs.add(Integer.parseInt(m.group(1)));
                    at = indexOfWhole(line, needle, end);
                }
            }
            boolean other = !ours && FILE_NAME.matcher(line).find();
            if (ours || other) {
                lastMention = i;
                lastWasOurs = ours;
            }
            if (ours || (!other && lastWasOurs && i - lastMention <= 3)) {
                Matcher m = LINE_WORD.matcher(line);
                while (m.find()) refs.add(Integer.parseInt(m.group(1)));
            }
        }
        return refs;
    }
}
