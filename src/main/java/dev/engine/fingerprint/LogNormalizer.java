package dev.engine.fingerprint;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one raw log line into a line that no longer carries run-specific noise (times,
 * addresses, generated names, counters), so that the same failure normalizes identically
 * from run to run. It is deliberately conservative about plain numbers: exit codes, HTTP
 * statuses and error numbers tell failures apart and are kept.
 *
 * <p>Rules run in a fixed order; the order matters because later rules would otherwise eat
 * pieces of earlier ones' matches (e.g. the time in a klog header, the hash in a pod name).
 */
public final class LogNormalizer {

    /** Past this a line is data, not a message; capping also bounds the regex work. */
    static final int MAX_LINE_CHARS = 4096;

    private static final Pattern ANSI = Pattern.compile(
            "\u001B(?:\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|[@-Z\\\\-_])");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t]]");
    private static final Pattern CARRIAGE_RETURN = Pattern.compile("\r");
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

    private static final Set<String> SOURCE_SUFFIXES = Set.of(
            "go", "py", "java", "kt", "rs", "c", "h", "cc", "cpp", "js", "ts", "rb", "lua", "nix",
            "sh", "tf", "hcl", "yaml", "yml", "json", "toml", "conf", "cfg", "ini", "txt", "log",
            "md", "xml", "tpl", "j2");

    private static final String MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String DURATION_UNIT = "(?:ns|us|\u00B5s|\u03BCs|ms|d|h|m|s)";

    private static final List<Rule> RULES = List.of(
            // klog: the level letter distinguishes warnings from errors; date, time, thread id do not.
            // Not anchored: container runtimes prefix klog lines with their own timestamp and stream.
            Rule.replace("(?<![\\w<])([IWEF])\\d{4} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?\\s+\\d+\\s+([^\\s\\]]+)\\]", "$1 <ts> $2]"),
            Rule.replace("\\btime=\"[^\"]*\"", "time=\"<ts>\""),
            Rule.replace("\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?)?"
                    + "(?:Z|[+-]\\d{2}:?\\d{2}\\b)?", "<ts>"),
            Rule.replace("\\b\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?", "<ts>"),
            Rule.replace("\\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?" + MONTH
                    + " {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?: [A-Z]{3,5})?(?: \\d{4})?\\b", "<ts>"),
            Rule.replace("\\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\\d{1,2} " + MONTH
                    + " \\d{4} \\d{2}:\\d{2}:\\d{2}(?: [A-Z]{3,5})?", "<ts>"),
            Rule.replace("(?<![\\w:.])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:\\d{2})?(?![\\w:])", "<ts>"),
            Rule.replace("\\[\\s*\\d+\\.\\d{3,9}\\]", "[<ts>]"),
            // Temp dirs: the directory directly under the temp root is generated; what is below it is not.
            Rule.replace("(?:/private)?/var/folders/[^/\\s]+/[^/\\s]+(?:/[TC](?=/|\\s|$))?", "<tmp>"),
            Rule.replace("/(?:var/)?tmp/(?:tmp\\.[^/\\s]+|[^/\\s]*\\d[^/\\s]*)", "<tmp>"),
            Rule.replace("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b", "<uuid>"),
            Rule.replace("\\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\\b", "<mac>"),
            Rule.replace("\\[(?=[^\\]\\s]*:[^\\]\\s]*:)[0-9a-fA-F:.]+(?:%[\\w.]+)?\\](?::\\d{1,5})?", "<ip>"),
            Rule.map("(?<![\\w:.])(?:[0-9a-fA-F]{0,4}:){2,7}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9a-fA-F]{0,4})"
                    + "(?:%\\w+)?(?![\\w:])", LogNormalizer::ipv6),
            Rule.replace("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?![\\w]|\\.\\d)", "<ip>"),
            Rule.map("\\b(localhost|[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+):\\d{1,5}\\b(?!\\.\\d)", LogNormalizer::hostPort),
            // A port in the ephemeral range is a client's source port (sshd logs it); 22 or 6443 are not.
            Rule.replace("\\bport (?:3[2-9]\\d{3}|[4-6]\\d{4})\\b", "port <port>"),
            // Deployment pods: <name>-<pod-template-hash>-<5 chars>; the hash always has a digit in practice.
            Rule.replace("\\b([a-z][a-z0-9-]*)-(?=[a-z]*\\d)[a-z0-9]{6,10}-[a-z0-9]{5}(?![\\w-])", "$1-<pod>"),
            // Job / DaemonSet pods: <name>-<5 chars from Kubernetes' vowel-free alphabet>.
            Rule.map("\\b([a-z][a-z0-9-]*)-([bcdfghjklmnpqrstvwxz2456789]{5})(?![\\w-])", LogNormalizer::podSuffix),
            Rule.replace("(?i)\\b(pid|process)([ =:]+)\\d+\\b", "$1$2<pid>"),
            // syslog "sshd[1234]:"; dotted names and one-digit indices are terraform addresses like vm.cp[0]:
            Rule.replace("(?<![\\w.-])([A-Za-z][\\w-]*)\\[\\d{2,}\\](?=:)", "$1[<pid>]"),
            Rule.replace("\\bgoroutine \\d+\\b", "goroutine <n>"),
            Rule.replace("(?i)\\b(attempts?|retry|retrying|retries|tries|try)\\s*#?:?\\s*\\d+\\s*(?:/|of)\\s*\\d+\\b", "$1 <n>/<n>"),
            Rule.replace("(?i)\\b(attempts?|retry|retrying|try)\\s*(#\\s*|\\s)\\d+\\b", "$1 <n>"),
            Rule.replace("(?i)\\b\\d+\\s+(attempts|retries|tries)\\b", "<n> $1"),
            Rule.replace("([(\\[])\\d+/\\d+([)\\]])", "$1<n>/<n>$2"),
            Rule.replace("(?i)(?<![\\w.])\\d+(?:\\.\\d+)?\\s?(?:milliseconds?|msecs?|ms|seconds?|secs?|minutes?|mins?|hours?)\\b", "<dur>"),
            Rule.replace("(?<![\\w.])(?:\\d+(?:\\.\\d+)?" + DURATION_UNIT + ")+(?![\\w.])", "<dur>"),
            Rule.replace("(?<![\\w.])\\d+(?:\\.\\d+)?\\s?(?:[KMGTPE]i?B|kB|bytes)\\b", "<size>"),
            Rule.replace("\\b0x[0-9a-fA-F]+\\b", "<hex>"),
            Rule.map("(?<!\\w)[0-9a-fA-F]{8,}(?!\\w)", LogNormalizer::hexOrNumber));

    /** One line in (without its line terminator), one normalized line out; blank means "no content". */
    public String normalize(String line) {
        String text = ANSI.matcher(visibleSegment(line)).replaceAll("");
        text = CONTROL.matcher(text).replaceAll("");
        if (text.length() > MAX_LINE_CHARS) {
            text = text.substring(0, MAX_LINE_CHARS);
        }
        for (Rule rule : RULES) {
            text = rule.apply(text);
        }
        return BLANKS.matcher(text).replaceAll(" ").strip();
    }

    /**
     * A lone {@code '\r'} returns the cursor to the start of the line: a terminal shows only the
     * last non-blank segment, and so do we, which turns a whole progress bar into its final state.
     */
    private static String visibleSegment(String line) {
        if (line.indexOf('\r') < 0) {
            return line;
        }
        String[] segments = CARRIAGE_RETURN.split(line, -1);
        for (int i = segments.length - 1; i >= 0; i--) {
            if (!ANSI.matcher(segments[i]).replaceAll("").isBlank()) {
                return segments[i];
            }
        }
        return "";
    }

    private static String ipv6(MatchResult m) {
        String text = m.group();
        long colons = text.chars().filter(c -> c == ':').count();
        boolean address = (text.contains("::") || colons == 7) && text.chars().anyMatch(c -> c != ':');
        return address ? "<ip>" : text;
    }

    private static String hostPort(MatchResult m) {
        String host = m.group(1);
        String suffix = host.substring(host.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        // file.go:123 and values.yaml:12 are line numbers, not ports: they locate the failure.
        return SOURCE_SUFFIXES.contains(suffix) ? m.group() : host + ":<port>";
    }

    private static String podSuffix(MatchResult m) {
        // "https" is the one common word spelled only with Kubernetes' random-name alphabet.
        return m.group(2).equals("https") ? m.group() : m.group(1) + "-<pod>";
    }

    private static String hexOrNumber(MatchResult m) {
        String text = m.group();
        if (text.chars().allMatch(Character::isDigit)) {
            return "<num>";
        }
        // Without a digit it may be a word ("deadbeef", "acceded"); ids nearly always have one.
        return text.chars().anyMatch(Character::isDigit) ? "<hex>" : text;
    }

    /**
     * A pattern and what to put in place of each match. The replacer's result is a
     * {@link Matcher#replaceAll(Function)} template, so {@code $1} refers to the match's groups.
     */
    private record Rule(Pattern pattern, Function<MatchResult, String> replacer) {

        static Rule replace(String regex, String template) {
            return new Rule(Pattern.compile(regex), m -> template);
        }

        static Rule map(String regex, Function<MatchResult, String> f) {
            return new Rule(Pattern.compile(regex), m -> Matcher.quoteReplacement(f.apply(m)));
        }

        String apply(String text) {
            return pattern.matcher(text).replaceAll(replacer);
        }
    }
}
