package dev.engine.redact;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Layer 3: secrets placed where command lines and protocols put them.
 *
 * <ul>
 *   <li>flags whose name says secret, as {@code --token=X}, {@code --token X}, in JSON or YAML flow
 *       lists ({@code ["--token", "X"]}), and single-dash Java/OpenSSL style ({@code -storepass X},
 *       {@code -passin pass:X});
 *   <li>tool conventions: {@code curl -u user:pass}, {@code mysql -pX}, {@code redis-cli -a X},
 *       {@code sshpass -p X}, {@code docker login -p X}, {@code htpasswd -b file user pass},
 *       {@code smbclient -U user%pass}, {@code vault login X}, {@code cloudflared service install X},
 *       {@code kubectl create secret ... --from-literal=k=v}, {@code echo X | docker login --password-stdin};
 *   <li>URL userinfo ({@code https://user:pass@}, a token as the user: {@code https://TOKEN@github.com});
 *   <li>HTTP headers: Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key and the like,
 *       as written by curl -v, in {@code -H '...'}, as JSON or Python dict keys, and in Go maps.
 * </ul>
 *
 * <p>Every loop moves forward or reads a bounded stretch: linear on any input.
 */
final class CommandLineScanner {
    private CommandLineScanner() {}

    static void scan(String t, List<Span> out) {
        longFlags(t, out);
        tools(t, out);
        urls(t, out);
        headers(t, out);
    }

    // ---------------------------------------------------------------- flags

    private static void longFlags(String t, List<Span> out) {
        int n = t.length();
        for (int a = t.indexOf('-'); a >= 0 && a + 2 < n; a = t.indexOf('-', a + 1)) {
            if (a > 0 && !isFlagBoundary(t.charAt(a - 1))) {
                continue;
            }
            boolean dd = t.charAt(a + 1) == '-';
            int ns = dd ? a + 2 : a + 1;
            if (ns >= n || !isAsciiLetter(t.charAt(ns))) {
                continue;
            }
            int ne = ns;
            while (ne < n && ne - ns < 64 && (isAsciiLetter(t.charAt(ne)) || Character.isDigit(t.charAt(ne)) || t.charAt(ne) == '-'
                    || t.charAt(ne) == '_' || t.charAt(ne) == '.')) {
                ne++;
            }
            if (!KeyNames.mayBeSecretName(t.charAt(ne - 1)) && !t.startsWith("from-literal", ns)) {
                a = ne - 1;
                continue; // no secret name ends in this letter: cheap test first, logs are full of dashes
            }
            String name = t.substring(ns, ne);
            KeyNames.Strength st = KeyNames.classify(name);
            if (!dd && (name.length() < 4 || st != KeyNames.Strength.STRONG) && !isOpensslPass(name)) {
                continue; // single dash: only -storepass, -keypass, -passin pass:X style
            }
            if (st == KeyNames.Strength.NONE && !name.equals("from-literal") && !isOpensslPass(name)) {
                a = ne - 1;
                continue;
            }
            int[] v = flagValue(t, ne);
            if (v == null) {
                continue;
            }
            int vs = v[0];
            int ve = v[1];
            if (name.equals("from-literal")) {
                int eq = t.indexOf('=', vs);
                if (eq < 0 || eq >= ve) {
                    continue;
                }
                String key = t.substring(vs, eq);
                KeyNames.Strength ks = createsSecret(t, a) ? KeyNames.Strength.STRONG : KeyNames.classify(key);
                addIfSecret(t, key, eq + 1, ve, ks, out);
                continue;
            }
            if (isOpensslPass(name) || (t.startsWith("pass:", vs) && !dd)) {
                if (t.startsWith("pass:", vs)) {
                    addIfSecret(t, name, vs + 5, ve, KeyNames.Strength.STRONG, out);
                }
                continue;
            }
            addIfSecret(t, name, vs, ve, st, out);
        }
    }

    /** {@code -passin}, {@code -passout}, {@code -pass}: OpenSSL's pass phrase arguments ({@code pass:X} only). */
    private static boolean isOpensslPass(String name) {
        return name.equals("passin") || name.equals("passout") || name.equals("pass");
    }

    private static boolean isFlagBoundary(char c) {
        return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '[' || c == ',' || c == '(' || c == '\n' || c == '='
                || c == '`';
    }

    /**
     * The value after a flag name ending at {@code ne}: {@code =X}, {@code  X}, {@code ="X"},
     * {@code ", "X"} (JSON array), {@code , X} (YAML flow list). Null if there is none on the line.
     */
    private static int[] flagValue(String t, int ne) {
        int n = t.length();
        int p = ne;
        if (p < n && t.charAt(p) == '=') {
            p++;
        } else {
            int q = p;
            if (q < n && (t.charAt(q) == '"' || t.charAt(q) == '\'')) {
                q++; // the flag was a quoted list element
            }
            int s = q;
            while (s < n && (t.charAt(s) == ' ' || t.charAt(s) == '\t')) {
                s++;
            }
            if (s < n && t.charAt(s) == ',') {
                s++;
                while (s < n && (t.charAt(s) == ' ' || t.charAt(s) == '\t')) {
                    s++;
                }
            } else if (s == q) {
                return null; // neither = nor a blank: --token-file, --tokenize
            }
            p = s;
        }
        if (p >= n) {
            return null;
        }
        char q = t.charAt(p);
        if (q == '"' || q == '\'') {
            int close = t.indexOf(q, p + 1);
            int nl = t.indexOf('\n', p + 1);
            if (close < 0 || (nl >= 0 && nl < close)) {
                return null;
            }
            return new int[] {p + 1, close};
        }
        int e = p;
        while (e < n && !isValueEnd(t.charAt(e))) {
            e++;
        }
        return e > p ? new int[] {p, e} : null;
    }

    private static boolean isValueEnd(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == ';' || c == '|' || c == '&' || c == ')' || c == ']'
                || c == '`' || c == ',' || c == '}';
    }

    /** The command around {@code at} is {@code kubectl create secret ...}: every literal is secret. */
    private static boolean createsSecret(String t, int at) {
        int ls = t.lastIndexOf('\n', at) + 1;
        String before = t.substring(Math.max(ls, at - 400), at);
        return before.contains("create secret") || before.contains("create  secret");
    }

    private static void addIfSecret(String t, String name, int vs, int ve, KeyNames.Strength st, List<Span> out) {
        if (ve <= vs) {
            return;
        }
        String v = t.substring(vs, ve);
        if (v.startsWith("-") || v.startsWith("@") || KeyNames.isTrivial(v)) {
            return; // the next flag, curl's @file, a reference
        }
        if (KeyNames.isSecretValue(name, v, st)) {
            out.add(new Span(vs, ve, Span.Layer.FIELD));
        }
    }

    // ---------------------------------------------------------------- tools

    private record Token(int start, int end) {
        /** Without surrounding quotes. */
        int innerStart(String t) {
            char c = t.charAt(start);
            return (c == '"' || c == '\'') && end - start >= 2 && t.charAt(end - 1) == c ? start + 1 : start;
        }

        int innerEnd(String t) {
            char c = t.charAt(start);
            return (c == '"' || c == '\'') && end - start >= 2 && t.charAt(end - 1) == c ? end - 1 : end;
        }

        String text(String t) {
            return t.substring(innerStart(t), innerEnd(t));
        }
    }

    private static final Set<String> MYSQL = Set.of("mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump", "mysqlsh",
            "mysqlimport", "mysqlcheck", "mysqlshow", "mariadb-admin");
    private static final Set<String> REDIS = Set.of("redis-cli", "valkey-cli", "keydb-cli");
    private static final Set<String> LOGIN_TOOLS = Set.of("docker", "podman", "nerdctl", "helm", "oras", "crane", "skopeo",
            "buildah", "regctl", "az", "cf", "oc");
    private static final Set<String> MONGO = Set.of("mongo", "mongosh", "mongodump", "mongorestore", "mongoexport", "mongoimport");

    /** Words that start a command with secret arguments of its own; a line without any is skipped. */
    private static final List<String> TOOL_WORDS = List.of("curl", "mysql", "mariadb", "redis-cli", "valkey-cli", "keydb-cli",
            "sshpass", "ipmitool", "smbclient", "rpcclient", "smbmap", "smbcacls", "net ", "ssh-keygen", "openssl", "htpasswd",
            "vault", "bao ", "cloudflared", "unseal", "mc ", "echo", "printf", "mongo", "login");

    /** Tool conventions, command by command (a line, joined with its {@code \\}-continuations). */
    private static void tools(String t, List<Span> out) {
        BitSet starts = new BitSet();
        for (String w : TOOL_WORDS) {
            int lineStart = -1;
            int lineEnd = -1;
            for (int i = t.indexOf(w); i >= 0; i = t.indexOf(w, Math.max(i + 1, lineEnd))) {
                if (i >= lineEnd) {
                    lineStart = commandStart(t, i);
                    int le = t.indexOf('\n', i);
                    lineEnd = le < 0 ? t.length() : le;
                }
                starts.set(lineStart); // one mark per line: the words after the first on a line change nothing
            }
        }
        int done = -1;
        for (int ls = starts.nextSetBit(0); ls >= 0; ls = starts.nextSetBit(ls + 1)) {
            if (ls <= done) {
                continue;
            }
            int le = ls;
            while (le < t.length() && (t.charAt(le) != '\n' || (le > 0 && t.charAt(le - 1) == '\\'))) {
                le++;
            }
            List<Token> tokens = tokenize(t, ls, le);
            for (int i = 0; i < tokens.size(); i++) {
                tool(t, tokens, i, out);
            }
            done = le;
        }
    }

    /** Start of the line holding {@code i}, going back over {@code \\}-continued lines. */
    private static int commandStart(String t, int i) {
        int ls = t.lastIndexOf('\n', i) + 1;
        while (ls >= 2 && t.charAt(ls - 2) == '\\' && i - ls < 8192) {
            ls = t.lastIndexOf('\n', ls - 2) + 1;
        }
        return ls;
    }

    private static List<Token> tokenize(String t, int ls, int le) {
        List<Token> out = new ArrayList<>();
        int i = ls;
        while (i < le && out.size() < 512) {
            char c = t.charAt(i);
            if (Character.isWhitespace(c) || (c == '\\' && i + 1 < le && t.charAt(i + 1) == '\n')) {
                i++;
                continue;
            }
            int s = i;
            if (c == '|' || c == ';' || c == '&') {
                while (i < le && (t.charAt(i) == '|' || t.charAt(i) == ';' || t.charAt(i) == '&')) {
                    i++;
                }
                out.add(new Token(s, i));
                continue;
            }
            while (i < le && !Character.isWhitespace(t.charAt(i))) {
                char d = t.charAt(i);
                if (d == '"' || d == '\'') {
                    int close = t.indexOf(d, i + 1);
                    i = close < 0 || close >= le ? le : close + 1;
                } else if ((d == ';' || d == '|' || d == '&') && i > s) {
                    break;
                } else {
                    i++;
                }
            }
            out.add(new Token(s, i));
        }
        return out;
    }

    private static boolean isSeparator(String t, Token k) {
        char c = t.charAt(k.start());
        return c == '|' || c == ';' || c == '&';
    }

    private static boolean sameWord(String t, Token a, Token b) {
        int n = a.end() - a.start();
        return n == b.end() - b.start() && t.regionMatches(a.start(), t, b.start(), n);
    }

    private static String base(String word) {
        int slash = word.lastIndexOf('/');
        return (slash >= 0 ? word.substring(slash + 1) : word).toLowerCase(Locale.ROOT);
    }

    private static void tool(String t, List<Token> tokens, int i, List<Span> out) {
        Token word = tokens.get(i);
        if (word.end() - word.start() > 64) {
            return; // no tool has a name that long
        }
        String cmd = base(word.text(t));
        int end = i + 1;
        while (end < tokens.size() && !isSeparator(t, tokens.get(end)) && !sameWord(t, tokens.get(end), word)) {
            end++; // the command's arguments: up to a separator, or the same tool again (a hostile repetition)
        }
        List<Token> args = tokens.subList(i + 1, end);
        switch (cmd) {
            case "curl" -> {
                shortOption(t, args, "-u", out, ':');
                shortOption(t, args, "--user", out, ':');
                shortOption(t, args, "--proxy-user", out, ':');
                shortOption(t, args, "-U", out, ':');
                shortOption(t, args, "--oauth2-bearer", out, (char) 0);
                cookieOption(t, args, out);
            }
            case "sshpass", "ipmitool" -> shortOption(t, args, cmd.equals("sshpass") ? "-p" : "-P", out, (char) 0);
            case "smbclient", "rpcclient", "smbmap", "smbcacls", "net" -> shortOption(t, args, "-U", out, '%');
            case "ssh-keygen" -> {
                shortOption(t, args, "-N", out, (char) 0);
                shortOption(t, args, "-P", out, (char) 0);
            }
            case "openssl" -> {
                shortOption(t, args, "-k", out, (char) 0);
                shortOption(t, args, "-K", out, (char) 0);
            }
            case "htpasswd" -> htpasswd(t, args, out);
            case "vault", "bao" -> {
                positionalAfter(t, args, "login", out);
                positionalAfter(t, args, "unseal", out);
            }
            case "cloudflared" -> positionalAfter(t, args, "install", out);
            case "mc" -> minioAlias(t, args, out);
            case "echo", "printf" -> echoIntoStdin(t, tokens, i, end, out);
            default -> {
                if (MYSQL.contains(cmd)) {
                    attachedOnly(t, args, "-p", out);
                } else if (REDIS.contains(cmd)) {
                    shortOption(t, args, "-a", out, (char) 0);
                } else if (MONGO.contains(cmd)) {
                    shortOption(t, args, "-p", out, (char) 0);
                } else if (LOGIN_TOOLS.contains(cmd) && args.stream().anyMatch(k -> k.text(t).equals("login"))) {
                    shortOption(t, args, "-p", out, (char) 0);
                }
            }
        }
    }

    /**
     * {@code opt VALUE} and {@code optVALUE} (short options only). With a {@code split} character
     * ({@code user:pass}, {@code user%pass}) only the part after it is secret, and only if present.
     */
    private static void shortOption(String t, List<Token> args, String opt, List<Span> out, char split) {
        for (int j = 0; j < args.size(); j++) {
            Token k = args.get(j);
            if (!t.startsWith(opt, k.start())) {
                continue; // most arguments: no allocation
            }
            String w = t.substring(k.start(), k.end());
            int vs;
            int ve;
            if (w.equals(opt) && j + 1 < args.size()) {
                Token v = args.get(j + 1);
                vs = v.innerStart(t);
                ve = v.innerEnd(t);
            } else if (w.startsWith(opt) && w.length() > opt.length() && !opt.startsWith("--")) {
                vs = k.start() + opt.length();
                ve = k.end();
                if (vs < ve && (t.charAt(vs) == '"' || t.charAt(vs) == '\'') && t.charAt(ve - 1) == t.charAt(vs) && ve - vs >= 2) {
                    vs++;
                    ve--;
                }
            } else if (opt.startsWith("--") && w.startsWith(opt + "=")) {
                vs = k.start() + opt.length() + 1;
                ve = k.end();
                if (vs < ve && (t.charAt(vs) == '"' || t.charAt(vs) == '\'') && t.charAt(ve - 1) == t.charAt(vs) && ve - vs >= 2) {
                    vs++;
                    ve--;
                }
            } else {
                continue;
            }
            if (split != 0) {
                int at = t.indexOf(split, vs);
                if (at < 0 || at >= ve) {
                    continue; // curl -u user: no password on the line
                }
                vs = at + 1;
            }
            addValue(t, vs, ve, out);
        }
    }

    /** {@code mysql -pX}: the password is attached; {@code -p} alone prompts, and the next word is the database. */
    private static void attachedOnly(String t, List<Token> args, String opt, List<Span> out) {
        for (Token k : args) {
            String w = t.substring(k.start(), k.end());
            if (w.startsWith(opt) && w.length() > opt.length()) {
                int vs = k.start() + opt.length();
                int ve = k.end();
                if ((t.charAt(vs) == '"' || t.charAt(vs) == '\'') && ve - vs >= 2 && t.charAt(ve - 1) == t.charAt(vs)) {
                    vs++;
                    ve--;
                }
                addValue(t, vs, ve, out);
            }
        }
    }

    private static void cookieOption(String t, List<Token> args, List<Span> out) {
        for (int j = 0; j + 1 < args.size(); j++) {
            String w = t.substring(args.get(j).start(), args.get(j).end());
            if (w.equals("-b") || w.equals("--cookie")) {
                Token v = args.get(j + 1);
                cookiePairs(t, v.innerStart(t), v.innerEnd(t), false, out);
            }
        }
    }

    /** {@code htpasswd -b[c] file user password}, {@code htpasswd -nb user password}: the last word. */
    private static void htpasswd(String t, List<Token> args, List<Span> out) {
        boolean batch = false;
        Token last = null;
        for (Token k : args) {
            String w = k.text(t);
            if (w.startsWith("-")) {
                batch |= w.indexOf('b') > 0;
            } else {
                last = k;
            }
        }
        if (batch && last != null) {
            addValue(t, last.innerStart(t), last.innerEnd(t), out);
        }
    }

    /** {@code vault login TOKEN}, {@code cloudflared service install TOKEN}: the word after the verb. */
    private static void positionalAfter(String t, List<Token> args, String verb, List<Span> out) {
        for (int j = 0; j + 1 < args.size(); j++) {
            if (args.get(j).text(t).equals(verb)) {
                Token v = args.get(j + 1);
                String w = v.text(t);
                int eq = w.indexOf('=');
                if (!w.startsWith("-") && (eq < 0 || w.substring(eq).chars().allMatch(c -> c == '=')) && w.length() >= 8) {
                    addValue(t, v.innerStart(t), v.innerEnd(t), out);
                }
                return;
            }
        }
    }

    /** {@code mc alias set NAME URL ACCESS_KEY SECRET_KEY}. */
    private static void minioAlias(String t, List<Token> args, List<Span> out) {
        for (int j = 0; j + 5 < args.size() + 1; j++) {
            if (args.get(j).text(t).equals("alias") && j + 1 < args.size() && args.get(j + 1).text(t).equals("set")
                    && j + 5 < args.size()) {
                Token secret = args.get(j + 5);
                addValue(t, secret.innerStart(t), secret.innerEnd(t), out);
                return;
            }
        }
    }

    /** {@code echo X | docker login --password-stdin}, {@code | gh auth login --with-token}, {@code | chpasswd}. */
    private static void echoIntoStdin(String t, List<Token> tokens, int i, int end, List<Span> out) {
        if (end >= tokens.size() || !t.substring(tokens.get(end).start(), tokens.get(end).end()).equals("|")) {
            return;
        }
        int next = end + 1;
        boolean stdin = false;
        for (int j = next; j < tokens.size() && !isSeparator(t, tokens.get(j)); j++) {
            String w = tokens.get(j).text(t);
            stdin |= w.equals("--password-stdin") || w.equals("--with-token") || w.equals("chpasswd") || w.equals("--stdin");
        }
        if (!stdin) {
            return;
        }
        for (int j = i + 1; j < end; j++) {
            Token k = tokens.get(j);
            String w = k.text(t);
            if (!w.startsWith("-")) {
                int vs = k.innerStart(t);
                int ve = k.innerEnd(t);
                int colon = w.indexOf(':');
                if (colon > 0 && colon < w.length() - 1) {
                    vs += colon + 1; // chpasswd reads user:password
                }
                addValue(t, vs, ve, out);
            }
        }
    }

    private static void addValue(String t, int vs, int ve, List<Span> out) {
        if (ve <= vs) {
            return;
        }
        String v = t.substring(vs, ve);
        if (!KeyNames.isTrivial(v) && !v.startsWith("-")) {
            out.add(new Span(vs, ve, Span.Layer.FIELD));
        }
    }

    // ---------------------------------------------------------------- URLs

    /** {@code scheme://user:password@host} and {@code scheme://TOKEN@host}. */
    private static void urls(String t, List<Span> out) {
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
                        || c == '<' || c == '>' || c == '`') {
                    break;
                }
                if (c == ':' && colon < 0) {
                    colon = i;
                }
                i++;
            }
            from = Math.max(i, s);
            if (i >= t.length() || t.charAt(i) != '@' || i == s) {
                continue;
            }
            if (colon >= 0) {
                if (colon + 1 < i) {
                    String pw = t.substring(colon + 1, i);
                    if (!KeyNames.isTrivial(pw)) {
                        out.add(new Span(colon + 1, i, Span.Layer.FIELD));
                    }
                }
                addUserToken(t, s, colon, out);
            } else {
                addUserToken(t, s, i, out);
            }
        }
    }

    /** A token used as the URL's user: {@code https://ghp_x@github.com}, Sentry's {@code https://<key>@o1.ingest...}. */
    private static void addUserToken(String t, int s, int e, List<Span> out) {
        String u = t.substring(s, e);
        if (KeyNames.isTrivial(u) || u.indexOf('%') >= 0 && u.length() < 20) {
            return;
        }
        if (KeyNames.looksLikeKeyMaterial(u) || !TokenScanner.kindOf(u).equals("secret")) {
            out.add(new Span(s, e, Span.Layer.FIELD));
        }
    }

    // ---------------------------------------------------------------- headers

    private enum HeaderType { AUTHORIZATION, COOKIE, SET_COOKIE, WHOLE }

    private record Header(String lowerName, HeaderType type) {}

    private static final List<Header> HEADERS = List.of(
            new Header("authorization", HeaderType.AUTHORIZATION),
            new Header("proxy-authorization", HeaderType.AUTHORIZATION),
            new Header("cookie", HeaderType.COOKIE),
            new Header("set-cookie", HeaderType.SET_COOKIE),
            new Header("x-api-key", HeaderType.WHOLE),
            new Header("api-key", HeaderType.WHOLE),
            new Header("apikey", HeaderType.WHOLE),
            new Header("x-auth-token", HeaderType.WHOLE),
            new Header("x-auth-key", HeaderType.WHOLE),
            new Header("x-access-token", HeaderType.WHOLE),
            new Header("x-vault-token", HeaderType.WHOLE),
            new Header("private-token", HeaderType.WHOLE),
            new Header("x-gitlab-token", HeaderType.WHOLE),
            new Header("job-token", HeaderType.WHOLE),
            new Header("x-goog-api-key", HeaderType.WHOLE),
            new Header("ocp-apim-subscription-key", HeaderType.WHOLE),
            new Header("x-amz-security-token", HeaderType.WHOLE),
            new Header("x-registry-auth", HeaderType.WHOLE),
            new Header("x-consul-token", HeaderType.WHOLE),
            new Header("x-nomad-token", HeaderType.WHOLE),
            new Header("x-hasura-admin-secret", HeaderType.WHOLE),
            new Header("x-shopify-access-token", HeaderType.WHOLE),
            new Header("x-figma-token", HeaderType.WHOLE),
            new Header("x-pve-token", HeaderType.WHOLE),
            new Header("authentication", HeaderType.AUTHORIZATION));

    private static void headers(String t, List<Span> out) {
        if (t.indexOf(':') < 0) {
            return;
        }
        String lower = asciiLower(t);
        for (Header h : HEADERS) {
            String name = h.lowerName();
            for (int a = lower.indexOf(name); a >= 0; ) {
                int end = header(t, a, name.length(), h.type(), out);
                a = lower.indexOf(name, Math.max(a + 1, end)); // a header inside another's value is part of that value
            }
        }
    }

    private static String asciiLower(String t) {
        char[] c = t.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'A' && c[i] <= 'Z') {
                c[i] = (char) (c[i] + 32);
            }
        }
        return new String(c);
    }

    /** Returns where the header's value ends (or {@code a} if it was not a header). */
    private static int header(String t, int a, int len, HeaderType type, List<Span> out) {
        int n = t.length();
        char before = a > 0 ? t.charAt(a - 1) : '\n';
        if (!(before == '\n' || before == ' ' || before == '\t' || before == '"' || before == '\'' || before == '[' || before == '{'
                || before == ',' || before == '(' || before == '>' || before == '<' || before == '\r')) {
            return a; // Set-Cookie is not Cookie; X-Api-Key is not Api-Key (both scanned under their own name)
        }
        int p = a + len;
        if (p < n && (t.charAt(p) == '"' || t.charAt(p) == '\'')) {
            p++; // "Authorization": "Bearer x"
        }
        while (p < n && (t.charAt(p) == ' ' || t.charAt(p) == '\t')) {
            p++;
        }
        if (p >= n || t.charAt(p) != ':') {
            return a; // authorization=... is a key-value pair, scanned elsewhere
        }
        p++;
        while (p < n && (t.charAt(p) == ' ' || t.charAt(p) == '\t')) {
            p++;
        }
        int le = p;
        while (le < n && le - p < 8192 && t.charAt(le) != '\n') {
            le++; // a header value is short; bounded so a megabyte line of "Cookie:" stays linear
        }
        int vs = p;
        int ve;
        if (p < le && t.charAt(p) == '[') {
            vs = p + 1; // Go: map[Authorization:[Bearer x]]; JSON: "Cookie":["a=b; c=d"]
            if (vs < le && (t.charAt(vs) == '"' || t.charAt(vs) == '\'')) {
                char q = t.charAt(vs++);
                ve = t.indexOf(q, vs);
            } else {
                ve = t.indexOf(']', vs);
            }
            ve = ve < 0 || ve > le ? le : ve;
        } else if (p < le && (t.charAt(p) == '"' || t.charAt(p) == '\'')) {
            char q = t.charAt(p);
            vs = p + 1;
            ve = t.indexOf(q, vs);
            ve = ve < 0 || ve > le ? le : ve;
        } else if (before == '"' || before == '\'') {
            ve = t.indexOf(before, p); // -H "Authorization: Bearer x"
            ve = ve < 0 || ve > le ? le : ve;
        } else {
            ve = le;
        }
        while (ve > vs && (Character.isWhitespace(t.charAt(ve - 1)) || t.charAt(ve - 1) == '\\')) {
            ve--;
        }
        if (ve <= vs) {
            return a;
        }
        switch (type) {
            case AUTHORIZATION -> authorization(t, vs, ve, out);
            case COOKIE -> cookiePairs(t, vs, ve, false, out);
            case SET_COOKIE -> cookiePairs(t, vs, ve, true, out);
            case WHOLE -> addValue(t, vs, wordEnd(t, vs, ve), out);
        }
        return ve;
    }

    /**
     * {@code Bearer X}, {@code Basic X}, {@code token X}: the credential after the scheme word;
     * {@code PVEAPIToken=user@pam!id=UUID}: after the last {@code =}; a bare value: all of it.
     */
    private static void authorization(String t, int vs, int ve, List<Span> out) {
        int sp = vs;
        while (sp < ve && !Character.isWhitespace(t.charAt(sp))) {
            sp++;
        }
        String first = t.substring(vs, sp).toLowerCase(Locale.ROOT);
        if (first.startsWith("pveapitoken=")) {
            int eq = t.lastIndexOf('=', sp - 1);
            addValue(t, eq + 1, sp, out);
            return;
        }
        if (sp < ve && AUTH_SCHEMES.contains(first)) {
            int cs = sp;
            while (cs < ve && Character.isWhitespace(t.charAt(cs))) {
                cs++;
            }
            // Digest, AWS4, Hawk carry key="value" parameters to the end; the others one credential word
            int ce = cs;
            if (PARAM_SCHEMES.contains(first)) {
                ce = ve;
            } else {
                while (ce < ve && !Character.isWhitespace(t.charAt(ce))) {
                    ce++;
                }
            }
            addValue(t, cs, ce, out);
            return;
        }
        // no known scheme: only a bare credential, not prose ("authorization: permission denied")
        if (sp == ve && first.length() >= 8 && KeyNames.looksRandom(t.substring(vs, ve))) {
            addValue(t, vs, ve, out);
        }
    }

    private static final Set<String> PARAM_SCHEMES = Set.of("digest", "aws4-hmac-sha256", "hawk", "oauth", "mutual", "vapid",
            "scram-sha-256", "scram-sha-1", "hoba");

    /** Authorization schemes (IANA registry and common vendor ones), lower case. */
    private static final Set<String> AUTH_SCHEMES = Set.of("bearer", "basic", "token", "digest", "negotiate", "ntlm",
            "aws4-hmac-sha256", "oauth", "apikey", "api-key", "ssws", "splunk", "geniekey", "sso-key", "key", "bot", "jwt",
            "hawk", "hoba", "mutual", "vapid", "scram-sha-256", "scram-sha-1", "sharedkey", "sharedkeylite", "dpop", "gsstoken",
            "privacytoken", "concealed", "klaviyo-api-key", "zoho-oauthtoken");

    private static int wordEnd(String t, int vs, int ve) {
        int e = vs;
        while (e < ve && !Character.isWhitespace(t.charAt(e))) {
            e++;
        }
        return e;
    }

    private static final Pattern SESSION_COOKIE = Pattern.compile(
            "sess|token|auth|sid|key|jwt|csrf|xsrf|remember|login|oauth|saml|secret|pass");

    /** {@code a=1; b=2}: every value (Cookie), or only the first (Set-Cookie: the rest are attributes). */
    private static void cookiePairs(String t, int vs, int ve, boolean firstOnly, List<Span> out) {
        int p = vs;
        while (p < ve) {
            int semi = t.indexOf(';', p);
            int pe = semi < 0 || semi > ve ? ve : semi;
            int eq = t.indexOf('=', p);
            if (eq >= 0 && eq < pe) {
                int s = eq + 1;
                int e = wordEnd(t, s, pe); // cookie values hold no blanks: what follows is other text
                if (e < pe) {
                    pe = ve; // the header's value ended here
                }
                if (s < e && t.charAt(s) == '"' && t.charAt(e - 1) == '"' && e - s >= 2) {
                    s++;
                    e--;
                }
                String name = t.substring(p, eq).strip().toLowerCase(Locale.ROOT);
                String value = t.substring(s, Math.max(s, e));
                // theme=dark stays; a session id, a token or anything long and random goes
                if (KeyNames.looksRandom(value) || value.length() >= 16 || SESSION_COOKIE.matcher(name).find()) {
                    addValue(t, s, e, out);
                }
            }
            if (firstOnly) {
                return;
            }
            p = pe + 1;
            while (p < ve && t.charAt(p) == ' ') {
                p++;
            }
        }
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
