package dev.engine.redact;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets recognisable by their shape wherever they appear (log lines, URLs, command lines):
 * vendor token formats, JWTs, bearer credentials, bootstrap tokens, {@code --token value} flags,
 * and passwords in URLs.
 *
 * <p>Every pattern starts with a negative look-behind over a character class that contains all
 * characters its body can consume, and uses possessive quantifiers. So the runs scanned from two
 * candidate starts never overlap and the engine never backtracks: linear time on any input.
 */
final class TokenScanner {
    /**
     * A token format. Regexes are only tried where one of its anchors (literal text every match
     * starts with) occurs: {@code String.indexOf} finds those far faster than a regex engine can
     * reject the other positions, which matters on megabytes of logs.
     */
    private record Rule(String kind, Pattern pattern, int group, Predicate<String> accept, boolean ignoreCase,
            int anchorOffset, String... anchors) {}

    private static final Predicate<String> ANY = s -> true;

    private static final List<Rule> RULES = List.of(
            rule("openai-key", "(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}+", KeyNames::looksRandom, "sk-"),
            rule("github-token", "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,}+|github_pat_[A-Za-z0-9_]{30,}+)", ANY,
                    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
            rule("aws-key", "(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])", ANY, "AKIA", "ASIA"),
            rule("jwt", "(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{4,}+\\.eyJ[A-Za-z0-9_-]{4,}+(?:\\.[A-Za-z0-9_-]*+)?", ANY, "eyJ"),
            rule("age-key", "(?<![A-Za-z0-9-])AGE-SECRET-KEY-1[0-9A-Z]{8,}+", ANY, "AGE-SECRET-KEY-1"),
            rule("slack-token", "(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}+", ANY, "xox"),
            rule("gitlab-token", "(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}+", ANY, "glpat-"),
            rule("google-key", "(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", ANY, "AIza"),
            rule("tailscale-key", "(?<![A-Za-z0-9_-])tskey-[A-Za-z0-9_-]{16,}+", ANY, "tskey-"),
            rule("hf-token", "(?<![A-Za-z0-9_-])hf_[A-Za-z0-9]{30,}+", ANY, "hf_"),
            rule("stripe-key", "(?<![A-Za-z0-9_])[rs]k_(?:live|test)_[A-Za-z0-9]{16,}+", ANY,
                    "sk_live_", "sk_test_", "rk_live_", "rk_test_"),
            // kubeadm/Talos bootstrap token id.secret, anchored at its dot; a digit keeps dotted words out
            new Rule("bootstrap-token", Pattern.compile("(?<![A-Za-z0-9_.-])[a-z0-9]{6}\\.[a-z0-9]{16}(?![A-Za-z0-9_.-])"), 0,
                    KeyNames::looksRandom, false, 6, "."),
            new Rule("token", Pattern.compile("(?i)(?<![A-Za-z0-9_-])bearer[ \\t]++([A-Za-z0-9._~+/=-]{8,}+)"), 1,
                    KeyNames::looksRandom, true, 0, "bearer"),
            new Rule("password", Pattern.compile("(?i)(?<![A-Za-z0-9_-])basic[ \\t]++([A-Za-z0-9+/]{8,}+=*+)(?![A-Za-z0-9+/=])"), 1,
                    KeyNames::looksRandom, true, 0, "basic"));

    /** {@code --token value} (the {@code --token=value} form is a key-value pair). */
    private static final Pattern FLAG =
            Pattern.compile("(?<![A-Za-z0-9_-])--([A-Za-z][A-Za-z0-9_-]{0,63}+)[ \\t]++([^\\s-]\\S*+)");

    private TokenScanner() {}

    private static Rule rule(String kind, String regex, Predicate<String> accept, String... anchors) {
        return new Rule(kind, Pattern.compile(regex), 0, accept, false, 0, anchors);
    }

    static void scan(String t, List<Span> out, boolean configFile) {
        String lower = null;
        for (Rule r : RULES) {
            String haystack = t;
            if (r.ignoreCase()) {
                lower = lower == null ? asciiLower(t) : lower;
                haystack = lower;
            }
            Matcher m = r.pattern().matcher(t).useTransparentBounds(true).useAnchoringBounds(false);
            for (String anchor : r.anchors()) {
                int from = 0;
                while (true) {
                    int a = haystack.indexOf(anchor, from);
                    if (a < 0) {
                        break;
                    }
                    int start = a - r.anchorOffset();
                    from = a + 1;
                    if (start < 0) {
                        continue;
                    }
                    m.region(start, t.length());
                    if (m.lookingAt()) {
                        from = Math.max(from, m.end());
                        String s = m.group(r.group());
                        if (r.accept().test(s)) {
                            out.add(new Span(m.start(r.group()), m.end(r.group()), r.kind(), Span.FORMAT));
                        }
                    }
                }
            }
        }
        scanFlags(t, out, configFile);
        scanUrlPasswords(t, out);
    }

    /** Same length as {@code t} (unlike {@link String#toLowerCase}), so indexes carry over. */
    private static String asciiLower(String t) {
        char[] c = t.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] = (char) (c[i] + 32);
            }
        }
        return new String(c);
    }

    private static void scanFlags(String t, List<Span> out, boolean configFile) {
        Matcher m = FLAG.matcher(t).useTransparentBounds(true).useAnchoringBounds(false);
        int from = 0;
        while (true) {
            int a = t.indexOf("--", from);
            if (a < 0) {
                return;
            }
            from = a + 1;
            m.region(a, t.length());
            if (!m.lookingAt()) {
                continue;
            }
            from = m.end();
            String name = m.group(1);
            KeyNames.Strength st = KeyNames.classify(name);
            if (st == KeyNames.Strength.NONE) {
                continue;
            }
            int vs = m.start(2);
            int ve = m.end(2);
            char q = t.charAt(vs);
            if (q == '"' || q == '\'') {
                int close = closingQuoteOnLine(t, vs + 1, q);
                vs++;
                ve = close < 0 ? ve : close;
            }
            String v = t.substring(vs, ve);
            if (KeyNames.isTrivial(v) || (name.toLowerCase().endsWith("key") && KeyNames.looksLikePath(v))) {
                continue;
            }
            if (st == KeyNames.Strength.WEAK && !KeyNames.looksLikeKeyMaterial(v)) {
                continue;
            }
            out.add(new Span(vs, ve, KeyNames.kindOf(name, configFile), Span.FIELD));
        }
    }

    private static int closingQuoteOnLine(String t, int from, char q) {
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == q) {
                return i;
            }
            if (c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    /** {@code scheme://user:password@host}: the password part. */
    private static void scanUrlPasswords(String t, List<Span> out) {
        int from = 0;
        while (true) {
            int p = t.indexOf("://", from);
            if (p < 0) {
                return;
            }
            int s = p + 3;
            int i = s;
            int colon = -1;
            int lim = Math.min(t.length(), s + 512);
            while (i < lim) {
                char c = t.charAt(i);
                if (c == '@' || c == '/' || c == '?' || c == '#' || Character.isWhitespace(c) || c == '"' || c == '\''
                        || c == '<' || c == '>') {
                    break;
                }
                if (c == ':' && colon < 0) {
                    colon = i;
                }
                i++;
            }
            from = Math.max(i, s);
            if (i < t.length() && t.charAt(i) == '@' && colon >= 0 && colon + 1 < i) {
                String pw = t.substring(colon + 1, i);
                if (!KeyNames.isTrivial(pw)) {
                    out.add(new Span(colon + 1, i, "password", Span.FIELD));
                }
            }
        }
    }
}
