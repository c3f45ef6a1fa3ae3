package dev.engine.redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layer 4: secrets recognisable by their documented shape wherever they appear (log lines, URLs,
 * command lines, file names), also when a terminal or a log shipper wrapped them over two lines.
 *
 * <p>Sources of the formats: GitHub's token-format changelog (2021-03 and 2026-05 for stateless
 * {@code ghs_}), GitLab's token prefix table, Slack's token types, Anthropic and OpenAI key
 * prefixes, AWS access key id prefixes, Google API keys and OAuth client secrets, Vault 1.10+
 * token prefixes ({@code hvs.}/{@code hvb.}/{@code hvr.}, legacy {@code s.}), Docker PATs, Tailscale
 * keys, age identities, Cloudflare tunnel tokens (base64 JSON with {@code "a"}, {@code "t"},
 * {@code "s"}), Grafana service account and Cloud tokens, npm, PyPI macaroons, Stripe, SendGrid,
 * Discord and Slack webhooks, Telegram bot tokens, Sentry auth tokens, DigitalOcean, 1Password
 * service accounts, Terraform Cloud, Doppler, Hugging Face, kubeadm/Talos bootstrap tokens, JWTs.
 *
 * <p>Every pattern starts with a negative look-behind over a character class that contains all
 * characters its body can consume (or accepts every match), and uses possessive quantifiers: the
 * runs scanned from two candidate starts never overlap, so the scan is linear on any input.
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
    /** Alphanumeric before a prefix means it is the middle of a word; {@code _ - . /} do not (file names). */
    private static final String NOT_AFTER_ALNUM = "(?<![A-Za-z0-9])";

    private static final List<Rule> RULES = List.of(
            rule("anthropic-key", NOT_AFTER_ALNUM + "sk-ant-[a-z]{2,8}[0-9]{2}-[A-Za-z0-9_-]{32,}+", "sk-ant-"),
            rule("openai-key", "(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}+", KeyNames::looksRandom, "sk-"),
            // classic tokens: 36 alphanumerics (up to 255 announced); stateless ghs_ (2026-05) add . _ -
            rule("github-token", NOT_AFTER_ALNUM + "(?:gh[pousr]_[A-Za-z0-9]{30,}+(?:[._-][A-Za-z0-9._-]{20,}+)?|github_pat_[A-Za-z0-9_]{30,}+)",
                    "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
            rule("gitlab-token", NOT_AFTER_ALNUM
                    // 20 characters, or the routable form <base64>.<2 digits>.<9 characters>
                    + "(?:gl(?:pat|dt|rt|rtr|ptt|ft|imt|agent|oas|soat|cbt|ffct|wt|sst)-[A-Za-z0-9_-]{20,}+(?:\\.[0-9]{2}\\.[a-z0-9]{9})?"
                    + "|GR1348941[A-Za-z0-9_-]{20,}+)",
                    "glpat-", "gldt-", "glrt-", "glrtr-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-", "glsoat-", "glcbt-",
                    "glffct-", "glwt-", "glsst-", "GR1348941"),
            rule("slack-token", NOT_AFTER_ALNUM + "(?:xox[abposrce]|xoxe\\.xox[bp])-[A-Za-z0-9-]{10,}+", "xox"),
            rule("slack-token", NOT_AFTER_ALNUM + "xapp-[0-9]-[A-Za-z0-9-]{20,}+", "xapp-"),
            new Rule("slack-webhook", Pattern.compile("hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_+-]{20,}+)"), 1,
                    ANY, false, 0, "hooks.slack.com/"),
            new Rule("discord-webhook", Pattern.compile("discord(?:app)?\\.com/api/webhooks/[0-9]{5,}+/([A-Za-z0-9_-]{40,}+)"), 1,
                    ANY, false, 0, "discord.com/api/webhooks/", "discordapp.com/api/webhooks/"),
            // the documented alphabet is base32 (A-Z, 2-7); any upper-case alphanumerics are accepted, as before
            rule("aws-key", "(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])", "AKIA", "ASIA", "ABIA", "ACCA"),
            rule("google-key", NOT_AFTER_ALNUM + "AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", "AIza"),
            rule("google-oauth", NOT_AFTER_ALNUM + "(?:GOCSPX-[A-Za-z0-9_-]{24,}+|ya29\\.[A-Za-z0-9_-]{30,}+)", "GOCSPX-", "ya29."),
            rule("vault-token", NOT_AFTER_ALNUM + "hv[sbr]\\.[A-Za-z0-9_-]{24,}+", "hvs.", "hvb.", "hvr."),
            // Vault before 1.10: s. + 24 base62, b.AAAAAQ... batch tokens; the dot must not follow a word
            rule("vault-token", "(?<![A-Za-z0-9_.-])(?:s\\.[A-Za-z0-9]{24}(?![A-Za-z0-9_.-])|b\\.AAAAAQ[A-Za-z0-9_-]{40,}+)",
                    s -> s.startsWith("b.") || mixed(s.substring(2)), "s.", "b.AAAAAQ"),
            // 27 characters; other lengths are taken whole
            rule("docker-token", NOT_AFTER_ALNUM + "dckr_(?:pat|oat)_(?:[A-Za-z0-9_-]{27}(?![A-Za-z0-9_])|[A-Za-z0-9_-]{20,}+)",
                    "dckr_pat_", "dckr_oat_"),
            rule("tailscale-key", NOT_AFTER_ALNUM + "tskey-[A-Za-z0-9_-]{16,}+", "tskey-"),
            rule("age-key", NOT_AFTER_ALNUM + "AGE-SECRET-KEY-1[0-9A-Z]{8,}+", "AGE-SECRET-KEY-1"), // 58 bech32 characters; the prefix alone is enough
            rule("age-key", NOT_AFTER_ALNUM + "AGE-PLUGIN-[A-Z0-9-]+-1[0-9A-Z]{20,}+", "AGE-PLUGIN-"),
            // base64 of {"a":"<account>","t":"<tunnel>","s":"<secret>"}; not a JWT: no dots
            rule("cloudflare-tunnel-token", NOT_AFTER_ALNUM + "eyJhIjoi[A-Za-z0-9+/_-]{40,}+={0,2}", "eyJhIjoi"),
            rule("cloudflare-ca-key", NOT_AFTER_ALNUM + "v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}", "v1.0-"),
            // Grafana API keys before service accounts: base64 of {"k":"...","n":"...","id":1}
            rule("grafana-token", NOT_AFTER_ALNUM
                    + "(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}+={0,2}|eyJrIjoi[A-Za-z0-9+/]{30,}+={0,2})",
                    "glsa_", "glc_", "eyJrIjoi"),
            rule("jwt", "(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{4,}+\\.eyJ[A-Za-z0-9_-]{4,}+(?:\\.[A-Za-z0-9_-]*+)?", "eyJ"),
            rule("npm-token", NOT_AFTER_ALNUM + "npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])", "npm_"),
            rule("pypi-token", NOT_AFTER_ALNUM + "pypi-AgE[A-Za-z0-9_-]{50,}+", "pypi-AgE"),
            rule("stripe-key", NOT_AFTER_ALNUM + "(?:[rs]k_(?:live|test)_[A-Za-z0-9]{16,}+|whsec_[A-Za-z0-9+/]{24,}+)",
                    "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"),
            rule("sendgrid-key", NOT_AFTER_ALNUM + "SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{30,}+", "SG."),
            rule("telegram-token", "(?<![A-Za-z0-9:])[0-9]{8,10}:AA[A-Za-z0-9_-]{32,}+", ":AA"),
            rule("sentry-token", NOT_AFTER_ALNUM + "(?:sntry[su]_[A-Za-z0-9+/=_]{40,}+)", "sntrys_", "sntryu_"),
            rule("digitalocean-token", NOT_AFTER_ALNUM + "do[opr]_v1_[a-f0-9]{64}", "dop_v1_", "doo_v1_", "dor_v1_"),
            rule("onepassword-token", NOT_AFTER_ALNUM + "ops_eyJ[A-Za-z0-9+/=_-]{50,}+", "ops_eyJ"),
            rule("terraform-token", "(?<![A-Za-z0-9])[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,}+", ".atlasv1."),
            rule("doppler-token", NOT_AFTER_ALNUM + "dp\\.(?:pt|st|sa|ct|scim|audit)\\.[A-Za-z0-9]{40,}+", "dp.pt.", "dp.st.", "dp.sa.", "dp.ct."),
            rule("hf-token", NOT_AFTER_ALNUM + "hf_[A-Za-z0-9]{30,}+", "hf_"),
            rule("atlassian-token", NOT_AFTER_ALNUM + "ATATT3[A-Za-z0-9_=-]{60,}+", "ATATT3"),
            rule("postman-key", NOT_AFTER_ALNUM + "PMAK-[a-f0-9]{24}-[a-f0-9]{34}", "PMAK-"),
            rule("shopify-token", NOT_AFTER_ALNUM + "shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", "shpat_", "shpca_", "shppa_", "shpss_"),
            rule("linear-key", NOT_AFTER_ALNUM + "lin_api_[A-Za-z0-9]{40}", "lin_api_"),
            rule("databricks-token", NOT_AFTER_ALNUM + "dapi[a-f0-9]{32}(?![A-Za-z0-9])", "dapi"),
            rule("pulumi-token", NOT_AFTER_ALNUM + "pul-[a-f0-9]{40}(?![A-Za-z0-9])", "pul-"),
            rule("fly-token", NOT_AFTER_ALNUM + "(?:fo1_[A-Za-z0-9_-]{40,}+|fm[12][ar]?_[A-Za-z0-9+/=_-]{50,}+)", "fo1_", "fm1", "fm2"),
            rule("supabase-token", NOT_AFTER_ALNUM + "sbp_[a-f0-9]{40}", "sbp_"),
            rule("netlify-token", NOT_AFTER_ALNUM + "nfp_[A-Za-z0-9]{36}", "nfp_"),
            // kubeadm/Talos bootstrap token id.secret, anchored at its dot; a digit keeps dotted words out
            new Rule("bootstrap-token", Pattern.compile("(?<![A-Za-z0-9_.-])[a-z0-9]{6}\\.[a-z0-9]{16}(?![A-Za-z0-9_.-])"), 0,
                    KeyNames::looksRandom, false, 6, "."),
            new Rule("token", Pattern.compile("(?i)(?<![A-Za-z0-9_-])bearer[ \\t]++([A-Za-z0-9._~+/=-]{8,}+)"), 1,
                    KeyNames::looksRandom, true, 0, "bearer"),
            new Rule("password", Pattern.compile("(?i)(?<![A-Za-z0-9_-])basic[ \\t]++([A-Za-z0-9+/]{8,}+=*+)(?![A-Za-z0-9+/=])"), 1,
                    KeyNames::looksRandom, true, 0, "basic"));

    /** Rules whose match is the token itself (not a credential after a scheme word): used to name a value's kind. */
    private static final List<Rule> SHAPES = RULES.stream().filter(r -> r.group() == 0).toList();

    private TokenScanner() {}

    private static Rule rule(String kind, String regex, String... anchors) {
        return rule(kind, regex, ANY, anchors);
    }

    private static Rule rule(String kind, String regex, Predicate<String> accept, String... anchors) {
        // the Telegram token is anchored at ":AA", 8-10 digits after its start
        int offset = kind.equals("telegram-token") ? 10 : 0;
        return new Rule(kind, Pattern.compile(regex), 0, accept, false, offset, anchors);
    }

    private static boolean mixed(String s) {
        return s.chars().anyMatch(Character::isDigit) && s.chars().anyMatch(Character::isUpperCase)
                && s.chars().anyMatch(Character::isLowerCase);
    }

    private record Match(int start, int end, String kind) {}

    static void scan(String t, List<Span> out) {
        matches(t, m -> out.add(new Span(m.start(), m.end(), Span.Layer.FORMAT, m.kind())));
        scanWrapped(t, out);
    }

    /** Runs every rule over {@code hay}. */
    private static void matches(String hay, Consumer<Match> sink) {
        String lower = null;
        for (Rule r : RULES) {
            String haystack = hay;
            if (r.ignoreCase()) {
                if (lower == null) {
                    lower = asciiLower(hay);
                }
                haystack = lower;
            }
            Matcher m = null; // created only where an anchor occurs: most rules never match a given text
            for (String anchor : r.anchors()) {
                int from = 0;
                while (true) {
                    int a = haystack.indexOf(anchor, from);
                    if (a < 0) {
                        break;
                    }
                    from = a + 1;
                    if (r.anchorOffset() == 6 && (a < 6 || !isLowerAlnum(hay, a - 6, a) || a + 17 > hay.length())) {
                        continue; // the bootstrap token's dot: most dots in a log follow a word or a number
                    }
                    if (m == null) {
                        m = r.pattern().matcher(hay).useTransparentBounds(true).useAnchoringBounds(false);
                    }
                    // most anchors start the match; the bootstrap token's dot follows a 6-character id,
                    // the Telegram token's ":AA" follows 8 to 10 digits
                    int first = Math.max(0, a - r.anchorOffset());
                    int last = r.kind().equals("telegram-token") ? a : first;
                    for (int start = first; start <= last; start++) {
                        m.region(start, hay.length());
                        if (m.lookingAt()) {
                            from = Math.max(from, m.end());
                            String s = m.group(r.group());
                            if (r.accept().test(s)) {
                                sink.accept(new Match(m.start(r.group()), m.end(r.group()), r.kind()));
                            }
                            break;
                        }
                    }
                }
            }
        }
    }

    /**
     * A token a terminal or log shipper wrapped: the run of token characters that ends a line,
     * joined with the runs that start the next lines (after their indentation, as long as each
     * fills its line, up to 8 lines), is checked as one. Only matches across the first join count:
     * the others were found on the lines themselves.
     */
    private static void scanWrapped(String t, List<Span> out) {
        int n = t.length();
        for (int nl = t.indexOf('\n'); nl >= 0; nl = t.indexOf('\n', nl + 1)) {
            int le = nl > 0 && t.charAt(nl - 1) == '\r' ? nl - 1 : nl;
            int ls = le;
            while (ls > 0 && le - ls < 400 && isTokenChar(t.charAt(ls - 1))) {
                ls--;
            }
            if (le - ls < 4) {
                continue;
            }
            List<int[]> segments = new ArrayList<>();
            segments.add(new int[] {ls, le});
            StringBuilder joined = new StringBuilder(t.substring(ls, le));
            int p = nl;
            while (segments.size() < 9 && joined.length() < 4000) {
                int rs = p + 1;
                while (rs < n && (t.charAt(rs) == ' ' || t.charAt(rs) == '\t')) {
                    rs++;
                }
                int re = rs;
                while (re < n && re - rs < 400 && isTokenChar(t.charAt(re))) {
                    re++;
                }
                if (re == rs || (re < n && (t.charAt(re) == ':' || t.charAt(re) == '=')) || isWord(t, rs, re)) {
                    break; // the next line starts with a key (Authorization:) or a word: not the rest of a token
                }
                segments.add(new int[] {rs, re});
                joined.append(t, rs, re);
                int after = re < n && t.charAt(re) == '\r' ? re + 1 : re;
                if (after >= n || t.charAt(after) != '\n') {
                    break; // the token ends on this line
                }
                p = after;
            }
            if (segments.size() < 2) {
                continue;
            }
            int join = le - ls;
            String cand = joined.toString();
            if (!hasAnchorBefore(cand, join)) {
                continue;
            }
            matches(cand, m -> {
                if (m.start() < join && m.end() > join) {
                    int off = 0;
                    for (int[] seg : segments) {
                        int len = seg[1] - seg[0];
                        int s0 = Math.max(m.start(), off);
                        int e0 = Math.min(m.end(), off + len);
                        if (s0 < e0) {
                            out.add(new Span(seg[0] + s0 - off, seg[0] + e0 - off, Span.Layer.FORMAT, m.kind()));
                        }
                        off += len;
                    }
                }
            });
        }
    }

    /** All anchors of all rules, for the cheap test of a wrapped candidate. */
    private static final List<String> ANCHORS = RULES.stream().flatMap(r -> Arrays.stream(r.anchors()))
            .filter(a -> !a.equals(".") && !a.equals(":AA")).distinct().toList();

    /** Some format's anchor starts before the join (a token that began on the first line). */
    private static boolean hasAnchorBefore(String joined, int join) {
        for (String a : ANCHORS) {
            int i = joined.indexOf(a);
            if (i >= 0 && i < join) {
                return true;
            }
        }
        return containsIgnoreCase(joined, "bearer") || containsIgnoreCase(joined, "basic");
    }

    private static boolean containsIgnoreCase(String s, String lower) {
        for (int i = 0; i + lower.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, lower, 0, lower.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLowerAlnum(String t, int s, int e) {
        for (int i = s; i < e; i++) {
            char c = t.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** {@code Error}, {@code done}, {@code Caches}: letters of one case after an optional capital. */
    private static boolean isWord(String t, int s, int e) {
        int i = s;
        if (i < e && Character.isUpperCase(t.charAt(i))) {
            i++;
        }
        for (; i < e; i++) {
            if (!Character.isLowerCase(t.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'
                || c == '+' || c == '/' || c == '=';
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

    /**
     * The kind a placeholder shows for {@code value}: the token format it has as a whole, a private
     * key, or {@code secret}. Depends on the value only, so one secret gets one placeholder
     * whichever detector found it.
     */
    static String kindOf(String value) {
        for (Rule r : SHAPES) {
            Matcher m = r.pattern().matcher(value);
            if (m.matches() && r.accept().test(value)) {
                return r.kind();
            }
        }
        if (value.startsWith("-----BEGIN ") || value.startsWith("LS0tLS1CRUdJTi")) {
            return "private-key";
        }
        return "secret";
    }
}
