package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ping, dig and nslookup. They may only ask the system resolver about names that appear in the
 * stage's files, failure log or context map (issue 12: {@code dig @<any server> ... axfr} and
 * {@code nslookup <data>.<attacker domain>} both ran). So: no server of the model's choosing, no
 * zone transfer, a positive list of query types and options, and known names only.
 */
final class NetworkRules {
    private NetworkRules() {}

    // ---- ping -------------------------------------------------------------------------------

    private static final ArgWalk.Spec PING = new ArgWalk.Spec(Set.of("-c", "-W"), Set.of("-q", "-n", "-4", "-6"),
            Map.of("-f", ToolSupport.forbid(Rule.FLAG_UNKNOWN, "flood ping"),
                    "-p", ToolSupport.forbid(Rule.FLAG_UNKNOWN, "it fills the packets with a chosen pattern (data leaves in them)"),
                    "-s", ToolSupport.forbid(Rule.FLAG_UNKNOWN, "it changes the packet size"),
                    "-i", ToolSupport.forbid(Rule.FLAG_UNKNOWN, "it changes the interval"),
                    "-I", ToolSupport.forbid(Rule.FLAG_UNKNOWN, "it picks an interface or source address"),
                    "-w", ToolSupport.forbid(Rule.FLAG_UNKNOWN, "use -c instead")));

    static String ping(List<String> args, Context ctx) {
        ArgWalk.Result r = ArgWalk.walk("ping", args, PING);
        List<String> counts = r.values("-c");
        if (counts.size() != 1) {
            throw new RuleViolation(Rule.NEVER_ENDS, "ping needs -c N with N from 1 to 5 so that it ends (exactly one -c)");
        }
        int count;
        try {
            count = Integer.parseInt(counts.get(0));
        } catch (NumberFormatException e) {
            throw new RuleViolation(Rule.ARGUMENTS, "ping -c '" + counts.get(0) + "' is not a number");
        }
        if (count < 1 || count > 5) {
            throw new RuleViolation(Rule.NEVER_ENDS, "ping needs -c N with N from 1 to 5 so that it ends");
        }
        for (String w : r.values("-W")) {
            if (!w.matches("[0-9]{1,2}")) {
                throw new RuleViolation(Rule.ARGUMENTS, "ping -W '" + w + "' is not a number of seconds below 100");
            }
        }
        if (r.positionals().size() != 1) {
            throw new RuleViolation(Rule.ARGUMENTS, "ping takes exactly one host");
        }
        ctx.requireKnownHost("ping", "host", r.positionals().get(0));
        return "read-only: ping -c " + count;
    }

    // ---- DNS --------------------------------------------------------------------------------

    /** Query types a diagnosis needs. */
    private static final Set<String> TYPES = Set.of("a", "aaaa", "cname", "mx", "ns", "ptr", "soa", "srv", "txt", "caa");
    /** Zone transfers, also as their numeric types (AXFR is 252, IXFR 251). */
    private static final Pattern TRANSFER = Pattern.compile("axfr|ixfr(=.*)?|type25[12]", Pattern.DOTALL);
    /**
     * Every other word dig takes as a query type or class rather than a name (IANA RR type
     * mnemonics, TYPEnnn, CLASSnnn): refused as options, never queried as names.
     */
    private static final Pattern OTHER_TYPE_OR_CLASS = Pattern.compile("type[0-9]+|class[0-9]+|any|afsdb|apl|cdnskey|cds|cert|"
            + "csync|dhcid|dlv|dname|dnskey|ds|eui48|eui64|hinfo|hip|https|ipseckey|key|kx|loc|naptr|nsec|nsec3|nsec3param|"
            + "openpgpkey|rrsig|rp|sig|smimea|sshfp|svcb|ta|tkey|tlsa|tsig|uri|zonemd|opt|maila|mailb|null|wks|x25|isdn|rt|nsap|"
            + "nsap-ptr|px|gpos|a6|spf|nid|l32|l64|lp|unspec|talink|ninfo|rkey|eid|nimloc|atma|sink|doa|amtrelay|resinfo|"
            + "ch|chaos|hs|hesiod|none");
    /** dig's +options that neither pick another server nor carry data out; exact spellings only (dig would accept prefixes). */
    private static final Set<String> DIG_PLUS = Set.of("short", "noshort", "cmd", "nocmd", "all", "noall", "answer", "noanswer",
            "authority", "noauthority", "additional", "noadditional", "question", "noquestion", "comments", "nocomments",
            "stats", "nostats", "multiline", "nomultiline", "tcp", "notcp", "vc", "novc", "search", "nosearch", "recurse",
            "dnssec", "nodnssec", "ttlid", "nottlid", "ttlunits", "nottlunits", "identify", "noidentify", "rrcomments",
            "norrcomments", "class", "noclass", "onesoa", "noonesoa");
    private static final Pattern DIG_PLUS_NUMBER = Pattern.compile("(time|tries|retry|ndots|bufsize|split)=[0-9]{1,4}");
    /** dig's +options that send the query to other servers. */
    private static final Set<String> DIG_PLUS_SERVER = Set.of("trace", "notrace", "nssearch", "nonssearch");
    /** dig's single-letter switches allowed: IPv4/IPv6 only, don't read ~/.digrc, print times in microseconds. */
    private static final Set<Character> DIG_SWITCHES = Set.of('4', '6', 'r', 'u', 'm');

    static String dig(List<String> args, Context ctx) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String lower = a.toLowerCase(Locale.ROOT);
            if (a.startsWith("@")) {
                throw new RuleViolation(Rule.DNS_SERVER, "dig '" + a + "' picks the DNS server; a diagnostic asks the system resolver only");
            } else if (a.startsWith("+")) {
                digPlus(lower.substring(1), a);
            } else if (a.startsWith("-") && a.length() > 1) {
                i = digDash(args, i, names);
            } else {
                queryWord(lower, a, names, "dig");
            }
        }
        for (String n : names) {
            requireKnownName("dig", n, ctx);
        }
        return "read-only: dig";
    }

    private static void digPlus(String option, String written) {
        String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
        if (DIG_PLUS_SERVER.contains(name)) {
            throw new RuleViolation(Rule.DNS_SERVER, "dig option '" + written + "' sends queries to other servers than the system resolver");
        }
        if (name.equals("domain")) {
            throw new RuleViolation(Rule.DNS_UNKNOWN_NAME, "dig option '" + written + "' appends a domain of the model's choosing to the names");
        }
        if (!DIG_PLUS.contains(option) && !DIG_PLUS_NUMBER.matcher(option).matches()) {
            throw new RuleViolation(Rule.DNS_OPTION, "dig option '" + written + "' is not allowed (allowed: +short, +noall, +answer,"
                    + " +tcp, +search, +time=N, +tries=N, ... spelled out in full)");
        }
    }

    /** One dash word of dig: switches, then at most one value option; returns the index of the last word used. */
    private static int digDash(List<String> args, int i, List<String> names) {
        String a = args.get(i);
        for (int k = 1; k < a.length(); k++) {
            char c = a.charAt(k);
            if (DIG_SWITCHES.contains(c)) {
                continue;
            }
            String rest = a.substring(k + 1);
            boolean inline = !rest.isEmpty();
            if (!inline && i + 1 >= args.size()) {
                throw new RuleViolation(Rule.ARGUMENTS, "dig option '-" + c + "' needs a value");
            }
            String value = inline ? rest : args.get(i + 1);
            String lower = value.toLowerCase(Locale.ROOT);
            switch (c) {
                case 't' -> queryType(lower, "dig -t " + value);
                case 'c' -> {
                    if (!lower.equals("in")) {
                        throw new RuleViolation(Rule.DNS_OPTION, "dig class '" + value + "' is not allowed (only IN)");
                    }
                }
                case 'q', 'x' -> names.add(value);
                case 'p', 'b' -> throw new RuleViolation(Rule.DNS_SERVER, "dig option '-" + c + "' picks "
                        + (c == 'p' ? "the server's port" : "the source address") + "; a diagnostic asks the system resolver only");
                case 'f' -> throw new RuleViolation(Rule.FLAG_FILE, "dig option '-f' is not allowed: it reads queries from a local file");
                case 'k', 'y' -> throw new RuleViolation(Rule.FLAG_CONFIG, "dig option '-" + c + "' is not allowed: it signs queries with a TSIG key");
                default -> throw new RuleViolation(Rule.DNS_OPTION, "dig option '-" + c + "' (in '" + a + "') is not allowed"
                        + " (allowed: -4, -6, -r, -u, -t TYPE, -c IN, -q NAME, -x ADDRESS)");
            }
            return inline ? i : i + 1;
        }
        return i;
    }

    /** A positional word of dig: a type, a class, or a name to query. */
    private static void queryWord(String lower, String written, List<String> names, String tool) {
        if (TRANSFER.matcher(lower).matches()) {
            throw new RuleViolation(Rule.DNS_TRANSFER, tool + " '" + written + "' asks for a zone transfer");
        }
        if (TYPES.contains(lower) || lower.equals("in")) {
            return;
        }
        if (OTHER_TYPE_OR_CLASS.matcher(lower).matches()) {
            throw new RuleViolation(Rule.DNS_OPTION, tool + " type or class '" + written + "' is not allowed (allowed types: "
                    + ToolSupport.sorted(TYPES) + "; class IN)");
        }
        names.add(written);
    }

    private static void queryType(String lower, String written) {
        if (TRANSFER.matcher(lower).matches()) {
            throw new RuleViolation(Rule.DNS_TRANSFER, "'" + written + "' asks for a zone transfer");
        }
        if (!TYPES.contains(lower)) {
            throw new RuleViolation(Rule.DNS_OPTION, "'" + written + "': query type not allowed (allowed: " + ToolSupport.sorted(TYPES) + ")");
        }
    }

    private static void requireKnownName(String tool, String name, Context ctx) {
        if (ctx.configured()) {
            return;
        }
        if (!ctx.names().contains(name)) {
            throw new RuleViolation(Rule.DNS_UNKNOWN_NAME, tool + " name '" + name + "' appears nowhere in the stage's files, failure log"
                    + " or context map; a diagnostic may only look up names found there");
        }
    }

    /**
     * nslookup options as BIND's nslookup reads them: case-insensitive, and abbreviated down to a
     * few letters ({@code -q=}, {@code -ty=}, {@code -querytype=}). Options that set the query
     * type are checked; a few harmless ones pass; everything else is refused.
     */
    private static final Set<String> NSLOOKUP_SWITCHES = Set.of("debug", "nodebug", "d2", "nod2", "vc", "novc", "search", "nosearch",
            "recurse", "fail", "nofail");
    private static final Pattern NSLOOKUP_NUMBER = Pattern.compile("(timeout|retry|ndots)=[0-9]{1,3}");

    static String nslookup(List<String> args, Context ctx) {
        List<String> positionals = new ArrayList<>();
        for (String a : args) {
            String lower = a.toLowerCase(Locale.ROOT);
            if (a.equals("-")) {
                throw new RuleViolation(Rule.DNS_SERVER, "nslookup '-' starts interactive mode with a server of the model's choosing");
            } else if (a.startsWith("-")) {
                nslookupOption(lower.replaceFirst("^-+", ""), a);
            } else {
                positionals.add(a);
            }
        }
        if (positionals.isEmpty()) {
            throw new RuleViolation(Rule.ARGUMENTS, "nslookup without a name would start its interactive mode");
        }
        if (positionals.size() > 1) {
            throw new RuleViolation(Rule.DNS_SERVER, "nslookup '" + positionals.get(1) + "' names the DNS server to ask; a diagnostic"
                    + " asks the system resolver only");
        }
        String name = positionals.get(0);
        if (TRANSFER.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
            throw new RuleViolation(Rule.DNS_TRANSFER, "nslookup '" + name + "' asks for a zone transfer");
        }
        requireKnownName("nslookup", name, ctx);
        return "read-only: nslookup";
    }

    private static void nslookupOption(String option, String written) {
        int eq = option.indexOf('=');
        String name = eq < 0 ? option : option.substring(0, eq);
        String value = eq < 0 ? "" : option.substring(eq + 1);
        boolean setsType = !name.isEmpty() && ("querytype".startsWith(name) || (name.length() >= 2 && "type".startsWith(name)));
        if (setsType && eq >= 0) {
            queryType(value, "nslookup " + written);
            return;
        }
        if (name.length() >= 2 && "port".startsWith(name) || name.equals("root") || name.startsWith("ser") || name.startsWith("lser")) {
            throw new RuleViolation(Rule.DNS_SERVER, "nslookup option '" + written + "' picks the DNS server or its port");
        }
        if (name.length() >= 2 && ("domain".startsWith(name) || "srchlist".startsWith(name))) {
            throw new RuleViolation(Rule.DNS_UNKNOWN_NAME, "nslookup option '" + written + "' appends a domain of the model's choosing");
        }
        if ((eq < 0 && NSLOOKUP_SWITCHES.contains(name)) || NSLOOKUP_NUMBER.matcher(option).matches()) {
            return;
        }
        throw new RuleViolation(Rule.DNS_OPTION, "nslookup option '" + written + "' is not allowed (allowed: -type=TYPE, -timeout=N,"
                + " -retry=N, -debug, -vc, -search)");
    }
}
