package dev.engine.fingerprint;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one raw log line into a line that no longer carries run-specific noise (times,
 * addresses, generated names, counters), so that the same failure normalizes identically
 * from run to run. It is deliberately conservative about plain numbers: exit codes, HTTP
 * statuses, error numbers and well-known ports tell failures apart and are kept.
 *
 * <p>Rules run in a fixed order; the order matters because later rules would otherwise eat
 * pieces of earlier ones' matches (e.g. the time in a klog header, the hash in a pod name).
 * Each rule has a {@link Change#kind() kind}, the placeholder class it produces, so that
 * {@link #explain(String)} can say which token became what.
 */
public final class LogNormalizer {

    /** Past this a line is data, not a message; capping also bounds the regex work. */
    static final int MAX_LINE_CHARS = 4096;

    /**
     * Ports at or above this are the kernel's ephemeral range (Linux: 32768-60999): a client's
     * source port or a test server's random one, different on every run. Below it are
     * services and NodePorts (30000-32767), which say what was dialled.
     */
    static final int FIRST_EPHEMERAL_PORT = 32768;

    /**
     * Fixed service ports inside the ephemeral range. Talos' apid (50000) and trustd (50001) and
     * KubeSpan/WireGuard (51820) are what a homelab dials; normalizing them would merge "the
     * Talos API is down" with "the Kubernetes API is down".
     */
    static final Set<Integer> SERVICE_PORTS_IN_EPHEMERAL_RANGE = Set.of(50000, 50001, 51820, 51821);

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
    private static final String WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
    private static final String DURATION_UNIT = "(?:ns|us|\u00B5s|\u03BCs|ms|d|h|m|s)";
    /** Kubernetes' random-name alphabet (k8s.io/apimachinery rand.String): no vowels, no 0/1/3. */
    private static final String K8S_RAND = "[bcdfghjklmnpqrstvwxz2456789]";
    /** Pod phases and container reasons that `kubectl get pods` prints before the RESTARTS column. */
    private static final String POD_STATUS = "(?:Running|CrashLoopBackOff|Error|Completed|OOMKilled|ImagePullBackOff"
            + "|ErrImagePull|CreateContainerConfigError|CreateContainerError|RunContainerError|ContainerCreating"
            + "|PodInitializing|Pending|Terminating|Unknown|Evicted|Init:[\\w/:]+)";

    private static final List<Rule> RULES = List.of(
            // Spinners redraw one glyph per tick: "◳ waiting for etcd" and "◲ waiting for etcd" are one line.
            Rule.replace("spinner", Hint.NON_ASCII, "^[\\s\\u25F0-\\u25F3\\u25D0-\\u25D3\\u2800-\\u28FF]*[\\u25F0-\\u25F3\\u25D0-\\u25D3\\u2800-\\u28FF]\\s*", ""),
            // klog: the level letter distinguishes warnings from errors; date, time, thread id do not.
            // Not anchored: container runtimes prefix klog lines with their own timestamp and stream.
            Rule.replace("ts", Hint.digitsAnd("]"), "(?<![\\w<])([IWEF])\\d{4} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?\\s+\\d+\\s+([^\\s\\]]+)\\]", "$1 <ts> $2]"),
            Rule.replace("ts", Hint.has("time=\""), "\\btime=\"[^\"]*\"", "time=\"<ts>\""),
            // ISO 8601 / RFC 3339 and Go's time.String(); a zone "+00:00" may be glued to the next stamp.
            Rule.replace("ts", Hint.digitsAnd("-"), "(?:\\b|\\G)\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d+)?)?"
                    + "(?:Z|[+-]\\d{2}:\\d{2}|[+-]\\d{4}\\b)?(?: [+-]\\d{4}(?: [A-Z]{3,5}\\b)?| UTC\\b| GMT\\b)?(?: m=[+-]\\d+\\.\\d+)?", "<ts>"),
            Rule.replace("ts", Hint.digitsAnd("/"), "\\b\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?", "<ts>"),
            Rule.replace("ts", Hint.digitsAnd("/"), "\\b\\d{2}/" + MONTH + "/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?: [+-]\\d{4})?", "<ts>"),
            Rule.replace("ts", Hint.MONTH, "\\b(?:" + WEEKDAY + ",? )?" + MONTH
                    + " {1,2}\\d{1,2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?: [A-Z]{3,5})?(?: \\d{4})?\\b", "<ts>"),
            Rule.replace("ts", Hint.MONTH, "\\b(?:" + WEEKDAY + ", )?\\d{1,2} " + MONTH
                    + " \\d{4} \\d{2}:\\d{2}:\\d{2}(?: [A-Z]{3,5}| [+-]\\d{4})?", "<ts>"),
            Rule.replace("ts", Hint.digitsAndAny("AM", "PM"), "(?<![\\w:.])\\d{1,2}:\\d{2}(?::\\d{2})?\\s?[AP]M\\b", "<ts>"),
            Rule.replace("ts", Hint.digitsAnd(":"), "(?<![\\w:.])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?:Z|[+-]\\d{2}:\\d{2})?(?![\\w:])", "<ts>"),
            Rule.replace("ts", Hint.digitsAnd("["), "\\[\\s*\\d+\\.\\d{3,9}\\]", "[<ts>]"),
            // Temp dirs: the directory directly under the temp root is generated; what is below it is not.
            Rule.replace("tmp", Hint.has("/var/folders/"), "(?:/private)?/var/folders/[^/\\s]+/[^/\\s]+(?:/[TC](?=/|\\s|$))?", "<tmp>"),
            Rule.replace("tmp", Hint.digitsAnd("tmp/"), "/(?:var/)?tmp/(?:tmp\\.[^/\\s]+|[^/\\s]*\\d[^/\\s]*)", "<tmp>"),
            Rule.replace("pid", Hint.digitsAnd("/proc/"), "/proc/\\d+(?=/|\\s|$)", "/proc/<pid>"),
            Rule.replace("uuid", Hint.has("-"), "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b", "<uuid>"),
            Rule.replace("mac", Hint.has(":"), "\\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\\b", "<mac>"),
            // Addresses alone; the port after one is the next rule's business.
            Rule.replace("ip", Hint.has(":"), "\\[(?=[^\\]\\s]*:[^\\]\\s]*:)[0-9a-fA-F:.]+(?:%[\\w.]+)?\\]", "<ip>"),
            Rule.map("ip", Hint.has(":"), "(?<![\\w:.])(?:[0-9a-fA-F]{0,4}:){2,7}(?:(?:\\d{1,3}\\.){3}\\d{1,3}|[0-9a-fA-F]{0,4})"
                    + "(?:%\\w+)?(?![\\w:])", LogNormalizer::ipv6),
            Rule.replace("ip", Hint.digitsAnd("."), "(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w]|\\.\\d)", "<ip>"),
            Rule.map("port", Hint.now("<ip>:"), "(?<=<ip>:)\\d{1,5}(?!\\d)", m -> port(m.group())),
            // host:port, dotted or not (talos-cp-1:50000, homeassistant:8123); file.go:123 is a line number.
            Rule.map("port", Hint.digitsAnd(":"), "(?<![\\w.:<-])([A-Za-z][A-Za-z0-9-]*(?:\\.[A-Za-z0-9-]+)*):(\\d{1,5})(?![\\w.]|:\\S)", LogNormalizer::hostPort),
            // sshd's "port 54321", excon's ":local_port => 56782", "srcPort=40112".
            Rule.map("port", Hint.digitsAndLower("port"), "(?i)\\b(\\w*port\"?\\s*(?:=>|[=:]|\\s)\\s*)(\\d{5})\\b", m -> m.group(1) + port(m.group(2))),
            // kubectl port-forward to a random local port: "Handling connection for 41555", "forwarding 41555 -> 80".
            Rule.map("port", Hint.digitsAndLower("connection for ", "forwarding "), "(?i)\\b(connection for |forwarding )(\\d{5})\\b", m -> m.group(1) + port(m.group(2))),
            // Talos' generated hostnames: talos-<3>-<3> from the node id (stable) or from the address (older).
            Rule.replace("host", Hint.has("talos-"), "\\btalos-(?:[0-9a-z]{3}-[0-9a-z]{3}|\\d{1,3}-\\d{1,3}-\\d{1,3}-\\d{1,3})(?![A-Za-z0-9-])", "talos-<host>"),
            // Deployment pods: <name>-<pod-template-hash: 5-10 chars>-<5 chars>; CronJob pods: <name>-<minutes>-<5 chars>.
            // A name starts where a run of [A-Za-z0-9-] starts: starting anywhere a word does would make a
            // hostile line of "a-a-a-..." cost quadratic time.
            Rule.replace("pod", Hint.has("-"), "(?<![A-Za-z0-9_-])([a-z][a-z0-9-]*?)-(?:" + K8S_RAND + "{5,10}|\\d{6,10})-[a-z0-9]{5}(?=$|[^A-Za-z0-9-]|-<)", "$1-<pod>"),
            // Job, DaemonSet, generated names: <name>-<5 chars>, and cert-manager's <name>-<5 chars>-<hash>[-<hash>].
            Rule.map("pod", Hint.has("-"), "(?<![A-Za-z0-9_-])([a-z][a-z0-9-]*?)-((?=[0-9]*[a-z])" + K8S_RAND + "{5})((?:-\\d{6,10})*)(?=$|[^A-Za-z0-9-]|-<)", LogNormalizer::podSuffix),
            Rule.replace("pid", Hint.digitsAndLower("pid", "process"), "(?i)\\b(pid|process)([ =:]+)\\d+\\b", "$1$2<pid>"),
            // JSON "pid": 7888; Proxmox tasks also give the process start time "pstart": 218771.
            Rule.replace("pid", Hint.digitsAndLower("\"pid\"", "\"pstart\""), "(?i)(\"p(?:id|start)\"\\s*:\\s*)\\d+", "$1<pid>"),
            // syslog "sshd[1234]:", socat's "socat[28360] E connect(...)"; terraform addresses like
            // vm.cp[0]: have a dot and a small index.
            Rule.replace("pid", Hint.digitsAnd("["), "(?<![\\w.-])([A-Za-z][\\w-]*)\\[\\d{2,}\\](?=:|\\s[A-Z]\\s)", "$1[<pid>]"),
            Rule.replace("pid", Hint.digitsAnd("["), "(?<![\\w-])([A-Za-z][\\w-]*(?:\\.[\\w-]+)+)\\[\\d{3,}\\](?=:)", "$1[<pid>]"),
            Rule.replace("n", Hint.digitsAnd("goroutine "), "\\bgoroutine \\d+\\b", "goroutine <n>"),
            Rule.replace("n", Hint.digitsAndLower("attempt", "tr"), "(?i)\\b(attempts?|retry|retrying|retries|tries|try)\\s*#?:?\\s*\\d+\\s*(?:/|of)\\s*\\d+\\b", "$1 <n>/<n>"),
            Rule.replace("n", Hint.digitsAndLower("attempt", "tr"), "(?i)\\b(attempts?|retry|retrying|try)\\s*(#\\s*|\\s)\\d+\\b", "$1 <n>"),
            Rule.replace("n", Hint.digitsAndLower("attempt", "tr"), "(?i)\\b\\d+\\s+(attempts|retries|tries)\\b", "<n> $1"),
            Rule.replace("n", Hint.digitsAnd("/"), "([(\\[])\\d+/\\d+([)\\]])", "$1<n>/<n>$2"),
            // cloudflared numbers its edge connections 0-3 in whatever order they come up.
            Rule.replace("n", Hint.digitsAnd("connIndex"), "\\b(connIndex\"?\\s*[=:]\\s*)\\d+", "$1<n>"),
            // Helm counts every upgrade attempt as a new release revision.
            Rule.replace("n", Hint.digitsAnd("REVISION:"), "\\b(REVISION:\\s*)\\d+", "$1<n>"),
            Rule.replace("dur", Hint.digitsAndLower("ms", "sec", "min", "hour", "day"), "(?i)(?<![\\w.])\\d+(?:\\.\\d+)?\\s?(?:milliseconds?|microseconds?|nanoseconds?|msecs?|ms|seconds?|secs?|minutes?|mins?|hours?|days?)\\b", "<dur>"),
            Rule.replace("dur", Hint.DIGITS, "(?<![\\w.])(?:\\d+(?:\\.\\d+)?" + DURATION_UNIT + ")+(?![\\w.])", "<dur>"),
            // Restart counters: "CrashLoopBackOff   7 (2m ago)", "Restart Count: 7", events "(x7 over 5m)".
            Rule.replace("n", Hint.now("<dur> ago)"), "(?<![\\w.])\\d+(\\s+\\(<dur> ago\\))", "<n>$1"),
            Rule.replace("n", Hint.now("<dur>"), "\\b(" + POD_STATUS + "\\s+)\\d+(?=\\s+<dur>)", "$1<n>"),
            Rule.replace("n", Hint.digitsAndLower("restart"), "(?i)\\b(restart ?count\"?\\s*[=:]?\\s*)\\d+", "$1<n>"),
            Rule.replace("n", Hint.now("(x"), "\\(x\\d+ over <dur>\\)", "(x<n> over <dur>)"),
            Rule.replace("size", Hint.digitsAndLower("b"), "(?<![\\w.])\\d+(?:\\.\\d+)?\\s?(?:[KMGTPE]i?B|[kK]i?B|bytes)\\b", "<size>"),
            Rule.replace("pct", Hint.digitsAnd("%"), "(?<![\\w.])\\d+(?:\\.\\d+)?\\s?%", "<pct>"),
            // Unix time in seconds or milliseconds (2001-2033), as logfmt "ts=" and JSON "ts": write it;
            // after sizes, so that "1338572800 bytes" stays a size.
            Rule.replace("ts", Hint.DIGITS, "(?<![\\w./-])1\\d{9}(?:\\d{3})?(?:\\.\\d+)?(?![\\w.])", "<ts>"),
            Rule.replace("hex", Hint.has("0x"), "\\b0x[0-9a-fA-F]+\\b", "<hex>"),
            // Cloudflare's request id and the edge location that served it change with every request.
            Rule.replace("id", Hint.has("cfRay"), "\\b(cfRay\"?\\s*[=:]\\s*\"?)[0-9a-fA-F]+(?:-[A-Z]{3})?", "$1<id>"),
            Rule.replace("id", Hint.has("location"), "\\b(location\"?\\s*[=:]\\s*\"?)[A-Za-z]{3}\\d{0,2}\\b", "$1<colo>"),
            Rule.map("hex", Hint.DIGITS, "(?<!\\w)[0-9a-fA-F]{7,}(?!\\w)", LogNormalizer::hexOrNumber));

    /** What one rule did to one token: {@code from} as the rule saw it, {@code to} what it wrote. */
    public record Change(String kind, String from, String to) {
        public Change {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** A normalized line together with every replacement that produced it, in rule order. */
    public record Explained(String raw, String normalized, List<Change> changes) {
        public Explained {
            changes = List.copyOf(changes);
        }
    }

    /** One line in (without its line terminator), one normalized line out; blank means "no content". */
    public String normalize(String line) {
        return run(line, null, true);
    }

    /** {@link #normalize} with every rule run: the test that proves hints only skip rules that could not match. */
    String normalizeRunningEveryRule(String line) {
        return run(line, null, false);
    }

    /** The same result as {@link #normalize(String)}, with the tokens each rule replaced. */
    public Explained explain(String line) {
        List<Change> changes = new ArrayList<>();
        String normalized = run(line, changes, true);
        return new Explained(line, normalized, changes);
    }

    private static String run(String line, List<Change> sink, boolean useHints) {
        String text = ANSI.matcher(visibleSegment(line)).replaceAll("");
        text = CONTROL.matcher(text).replaceAll("");
        if (text.length() > MAX_LINE_CHARS) {
            text = text.substring(0, MAX_LINE_CHARS);
        }
        Scan scan = new Scan(text);
        for (Rule rule : RULES) {
            if (!useHints || rule.hint().mayMatch(scan, text)) {
                text = rule.apply(text, sink);
            }
        }
        return BLANKS.matcher(text).replaceAll(" ").strip();
    }

    /**
     * What is cheap to know about a line before any rule runs. Most rules cannot match most
     * lines; a rule's {@link Hint} rules it out from these facts without running its regex.
     */
    static final class Scan {
        final String text;
        final String lower;
        final boolean digits;
        final boolean nonAscii;

        Scan(String text) {
            this.text = text;
            this.lower = text.toLowerCase(Locale.ROOT);
            boolean d = false;
            boolean n = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                d |= c >= '0' && c <= '9';
                n |= c > 127;
            }
            this.digits = d;
            this.nonAscii = n;
        }
    }

    /**
     * A necessary condition for a rule to match: false only when the rule cannot match. Literal
     * conditions are tested on the line as it came in, which is safe because no placeholder a
     * rule writes lets a later rule match where the raw line could not; {@link #now} tests the
     * current text, for rules that match placeholders.
     */
    @FunctionalInterface
    interface Hint {
        boolean mayMatch(Scan scan, String current);

        Hint DIGITS = (s, now) -> s.digits;
        Hint NON_ASCII = (s, now) -> s.nonAscii;
        Hint MONTH = (s, now) -> s.digits && containsAny(s.text, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                "Sep", "Oct", "Nov", "Dec");

        static Hint has(String literal) {
            return (s, now) -> s.text.contains(literal);
        }

        static Hint digitsAnd(String literal) {
            return (s, now) -> s.digits && s.text.contains(literal);
        }

        static Hint digitsAndAny(String... literals) {
            return (s, now) -> s.digits && containsAny(s.text, literals);
        }

        static Hint digitsAndLower(String... literals) {
            return (s, now) -> s.digits && containsAny(s.lower, literals);
        }

        static Hint now(String literal) {
            return (s, now) -> now.contains(literal);
        }

        private static boolean containsAny(String text, String... literals) {
            for (String l : literals) {
                if (text.contains(l)) {
                    return true;
                }
            }
            return false;
        }
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

    /** Whether {@code port} is a client's or a test server's random port rather than a service. */
    static boolean isEphemeral(int port) {
        return port >= FIRST_EPHEMERAL_PORT && port <= 65535 && !SERVICE_PORTS_IN_EPHEMERAL_RANGE.contains(port);
    }

    private static String port(String digits) {
        return isEphemeral(Integer.parseInt(digits)) ? "<port>" : digits;
    }

    private static String ipv6(MatchResult m) {
        String text = m.group();
        long colons = text.chars().filter(c -> c == ':').count();
        boolean address = (text.contains("::") || colons == 7) && text.chars().anyMatch(c -> c != ':');
        return address ? "<ip>" : text;
    }

    private static String hostPort(MatchResult m) {
        String host = m.group(1);
        String suffix = host.substring(host.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        // file.go:123 and values.yaml:12 are line numbers, not ports: they locate the failure.
        if (host.indexOf('.') >= 0 && SOURCE_SUFFIXES.contains(suffix)) {
            return m.group();
        }
        return host + ":" + port(m.group(2));
    }

    private static String podSuffix(MatchResult m) {
        // "https" is the one common word spelled only with Kubernetes' random-name alphabet.
        return m.group(2).equals("https") && m.group(3).isEmpty() ? m.group() : m.group(1) + "-<pod>";
    }

    /**
     * Seven or more hex digits are an id (a short git SHA, a container id, a Proxmox UPID field)
     * or a number too long to be a status or an exit code. Both become {@code <hex>}: an id that
     * happens to contain no letter (1 in 40 eight-digit ids) must not fingerprint differently.
     */
    private static String hexOrNumber(MatchResult m) {
        String text = m.group();
        // Without a digit it may be a word ("deadbeef", "acceded"); ids nearly always have one.
        // Ed25519 is the one hex-spelled name that shows up in TLS errors.
        boolean digit = text.chars().anyMatch(Character::isDigit);
        return digit && !text.equalsIgnoreCase("ed25519") ? "<hex>" : text;
    }

    /**
     * A pattern, the class of placeholder it writes, and what to put in place of each match.
     * The replacer's result is a {@link Matcher#appendReplacement} template, so {@code $1} refers
     * to the match's groups. The {@link Hint} lets a line skip the rule without running it.
     */
    private record Rule(String kind, Hint hint, Pattern pattern, Function<MatchResult, String> replacer) {

        static Rule replace(String kind, Hint hint, String regex, String template) {
            return new Rule(kind, hint, Pattern.compile(regex), m -> template);
        }

        static Rule map(String kind, Hint hint, String regex, Function<MatchResult, String> f) {
            return new Rule(kind, hint, Pattern.compile(regex), m -> Matcher.quoteReplacement(f.apply(m)));
        }

        String apply(String text, List<Change> sink) {
            Matcher m = pattern.matcher(text);
            if (sink == null) {
                return m.replaceAll(replacer);
            }
            if (!m.find()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length());
            int lastEnd = 0;
            do {
                int before = out.length() + (m.start() - lastEnd);
                m.appendReplacement(out, replacer.apply(m));
                String written = out.substring(before);
                if (!written.equals(m.group())) {
                    sink.add(new Change(kind, m.group(), written));
                }
                lastEnd = m.end();
            } while (m.find());
            m.appendTail(out);
            return out.toString();
        }
    }
}
