package dev.engine.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Values of keys named like secrets, in the forms found in configuration and logs: YAML
 * {@code k: v} (quoted, plain, block scalars), JSON {@code "k": "v"} (also escaped inside another
 * JSON string), env {@code K=V} / {@code export K=V}, {@code --k=v}, {@code k=v} pairs in log
 * lines, {@code Authorization: Bearer v}, and every value under {@code data:}/{@code stringData:}
 * of a Kubernetes Secret.
 *
 * <p>The scan walks each line once looking for {@code :} and {@code =}; for each it reads the name
 * backwards (bounded, stops at the previous separator) and, only for a secret name, the value
 * forwards, then continues after the value. No regex, no backtracking: linear on hostile input.
 */
final class KeyValueScanner {
    /** kubeconfig, talosconfig, Talos machine config: a bare {@code key:} holds a private key. */
    private final boolean configFile;
    /** A .env file: any variable whose value looks like key material is redacted too. */
    private final boolean envFile;

    /** Whether values of other names are checked for randomness (layer 5). */
    private final boolean entropy;

    /** {@link KeyNames#classify}, possibly remembered: a log repeats a few dozen names a million times. */
    private final Function<String, KeyNames.Strength> classifier;

    KeyValueScanner(boolean configFile, boolean envFile) {
        this(configFile, envFile, true, KeyNames::classify);
    }

    KeyValueScanner(boolean configFile, boolean envFile, boolean entropy) {
        this(configFile, envFile, entropy, KeyNames::classify);
    }

    KeyValueScanner(boolean configFile, boolean envFile, boolean entropy, Function<String, KeyNames.Strength> classifier) {
        this.configFile = configFile;
        this.envFile = envFile;
        this.entropy = entropy;
        this.classifier = classifier;
    }

    /** {@code authorization: permission denied}: a lower-case word followed by more words is a message. */
    private static boolean isProse(String t, String s, int end, int ce) {
        if (s.isEmpty() || !s.chars().allMatch(ch -> ch >= 'a' && ch <= 'z')) {
            return false;
        }
        return end + 1 < ce && t.charAt(end) == ' ' && Character.isLetter(t.charAt(end + 1));
    }

    /** {@code scheme://user[:password]@host...}. */
    private static boolean isUrlWithUserinfo(String v) {
        int p = v.indexOf("://");
        if (p <= 0) {
            return false;
        }
        for (int i = 0; i < p; i++) {
            char c = v.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '+' && c != '.' && c != '-') {
                return false;
            }
        }
        int at = v.indexOf('@', p + 3);
        int slash = v.indexOf('/', p + 3);
        return at > p + 3 && (slash < 0 || at < slash);
    }

    /** {@code ${NAME...} } or {@code $NAME}: the name is a shell variable being expanded. */
    private static boolean isShellExpansion(String t, int ls, int nameStart) {
        if (nameStart > ls && t.charAt(nameStart - 1) == '$') {
            return true;
        }
        return nameStart - 1 > ls && t.charAt(nameStart - 1) == '{' && t.charAt(nameStart - 2) == '$';
    }

    /**
     * A value under a name that says nothing, checked for randomness. Read at most
     * {@link EntropyRule#MAX_LENGTH} characters ahead, so {@code a=a=a=...} stays linear.
     */
    private static void randomValue(String t, int sep, int ce, int nameStart, int nameEnd, List<Span> out) {
        int v = skipBlanks(t, sep + 1, ce);
        char q = v < ce ? t.charAt(v) : 0;
        if (q == '"' || q == '\'') {
            v++;
        }
        int lim = Math.min(ce, v + EntropyRule.MAX_LENGTH + 1);
        int e = v;
        while (e < lim && EntropyRule.isValueChar(t.charAt(e))) {
            if (t.charAt(e) == '=' && e + 1 < ce && t.charAt(e + 1) != '=' && EntropyRule.isValueChar(t.charAt(e + 1))) {
                break; // password=x inside the value: another pair, not base64 padding
            }
            e++;
        }
        if (e == lim && lim < ce) {
            return; // too long to be a token
        }
        if (e < ce && !endsPlainValue(t.charAt(e)) && t.charAt(e) != ':' && !(t.charAt(e) == '\\')) {
            return; // the random-looking part is only the start of a longer word
        }
        if (e - v >= EntropyRule.MIN_LENGTH && EntropyRule.isRandomSecret(t.substring(nameStart, nameEnd), t.substring(v, e))) {
            out.add(new Span(v, e, Span.Layer.ENTROPY));
        }
    }

    private record LineKey(int nameStart, int nameEnd, int sep, boolean jsonQuoted) {}

    private record Value(int start, int end, int resume, boolean quoted) {}

    void scan(String t, List<Span> out) {
        boolean[] secretDocs = secretDocuments(t);
        int doc = 0;
        int dataIndent = -1;
        int n = t.length();
        int ls = 0;
        while (ls < n) {
            int le = t.indexOf('\n', ls);
            if (le < 0) {
                le = n;
            }
            int ce = le > ls && t.charAt(le - 1) == '\r' ? le - 1 : le;
            int fs = skipBlanks(t, ls, ce);
            LineKey lk = lineKey(t, fs, ce);
            boolean secretData = false;
            if (secretDocs != null) {
                if (isDocumentSeparator(t, ls, ce)) {
                    doc++;
                    dataIndent = -1;
                } else if (doc < secretDocs.length && secretDocs[doc] && fs < ce && t.charAt(fs) != '#') {
                    int indent = fs - ls;
                    if (dataIndent >= 0 && indent <= dataIndent) {
                        dataIndent = -1;
                    }
                    if (dataIndent >= 0) {
                        secretData = true;
                    } else if (lk != null && isDataKey(t, lk) && opensMapping(t, lk.sep() + 1, ce)) {
                        dataIndent = indent;
                    }
                }
            }
            int next = scanLine(t, ls, fs, ce, lk, secretData, out);
            ls = Math.max(le + 1, next);
        }
    }

    /** Returns where the next line to scan starts (past a block scalar), or -1 for the next line. */
    private int scanLine(String t, int ls, int fs, int ce, LineKey lk, boolean secretData, List<Span> out) {
        int resume = ls;
        for (int i = ls; i < ce; i++) {
            char c = t.charAt(i);
            if (c == 'E' && i >= resume && t.startsWith("ENC[", i)) {
                int close = t.indexOf(']', i);
                if (close > 0 && close < ce) {
                    resume = close + 1; // SOPS ciphertext: data:, iv:, tag: inside are not pairs
                }
                continue;
            }
            if ((c != ':' && c != '=') || i < resume) {
                continue;
            }
            int nameStart;
            int nameEnd;
            boolean lineStart = lk != null && lk.sep() == i;
            if (lineStart) {
                nameStart = lk.nameStart();
                nameEnd = lk.nameEnd();
            } else {
                int[] r = nameBefore(t, ls, i);
                if (r == null) {
                    continue;
                }
                nameStart = r[0];
                nameEnd = r[1];
            }
            if (nameStart - 3 >= ls && t.startsWith("://", nameStart - 3)) {
                continue; // https://user:password@host: the URL rule knows where the password ends
            }
            if (nameStart >= ls + 7 && t.regionMatches(true, nameStart - 7, "public", 0, 6)
                    && (t.charAt(nameStart - 1) == ' ' || t.charAt(nameStart - 1) == '_' || t.charAt(nameStart - 1) == '-')) {
                continue; // "# public key: age1...": public by name
            }
            if (isShellExpansion(t, ls, nameStart)) {
                continue; // ${CF_API_TOKEN:0:4}, ${SSH_PASS:+*****}: code operating on a variable, not a value
            }
            boolean maySecret = lineStart || secretData || KeyNames.mayBeSecretName(t.charAt(nameEnd - 1));
            String name = maySecret ? t.substring(nameStart, nameEnd) : null;
            KeyNames.Strength st = maySecret ? strength(name, lineStart, c, secretData) : KeyNames.Strength.NONE;
            boolean arrow = c == '=' && i + 1 < ce && t.charAt(i + 1) == '>' && nameEnd < i && (t.charAt(nameEnd) == '\'' || t.charAt(nameEnd) == '"');
            if (!arrow && !separatorOk(t, i, ce, c, lineStart)) {
                continue;
            }
            if (st == KeyNames.Strength.NONE) {
                if (entropy) {
                    randomValue(t, i, ce, nameStart, nameEnd, out);
                }
                continue;
            }
            int v = skipBlanks(t, arrow ? i + 2 : i + 1, ce);
            if (v >= ce) {
                continue; // YAML nested mapping or nothing
            }
            boolean yaml = lineStart && c == ':' && !lk.jsonQuoted();
            if (yaml && isBlockIndicator(t, v, ce)) {
                return blockScalar(t, ls, fs, ce, st, out);
            }
            if (!lineStart && insideStringLiteral(t, ls, nameStart, nameEnd, v)) {
                continue; // out.println("OPENAI_API_KEY: " + state): the quote ends the literal
            }
            Value val = value(t, v, ce, c, lineStart, yaml);
            if (val == null) {
                continue; // flow collection: its inner pairs are scanned on their own
            }
            resume = val.resume();
            String s = t.substring(val.start(), val.end());
            int cred = KeyNames.credentialStart(s);
            if (KeyNames.normalize(name).equals("pveapitoken")) {
                int eq = s.lastIndexOf('=');
                cred = eq + 1; // PVEAPIToken=USER@REALM!TOKENID=SECRET
            }
            if (cred > 0) {
                val = new Value(val.start() + cred, val.end(), val.resume(), val.quoted());
                s = s.substring(cred);
            }
            if (isUrlWithUserinfo(s)) {
                continue; // https://key@host, postgres://user:pw@db: the URL rule takes just the userinfo
            }
            // "invalid token: context deadline exceeded" is a message, not a value
            boolean prose = !lineStart && c == ':' && !val.quoted() && (KeyNames.isProseWord(s) || isProse(t, s, val.end(), ce));
            boolean code = !val.quoted() && !yaml && isCode(t, val, ce, c, nameEnd, i);
            if (!prose && !code && KeyNames.isSecretValue(name, s, st)) {
                out.add(new Span(val.start(), val.end(), Span.Layer.FIELD));
            }
        }
        return -1;
    }

    private KeyNames.Strength strength(String name, boolean lineStart, char sep, boolean secretData) {
        if (lineStart && sep == ':' && secretData) {
            return KeyNames.Strength.STRONG;
        }
        KeyNames.Strength st = classifier.apply(name);
        if (envFile && lineStart && sep == '=') {
            return KeyNames.isSensitiveEnvName(name) ? KeyNames.Strength.STRONG : KeyNames.Strength.WEAK;
        }
        if (configFile && st == KeyNames.Strength.WEAK && KeyNames.normalize(name).equals("key")) {
            return KeyNames.Strength.STRONG;
        }
        return st;
    }

    private static boolean separatorOk(String t, int i, int ce, char c, boolean lineStart) {
        char next = i + 1 < ce ? t.charAt(i + 1) : '\n';
        if (c == '=') {
            return next != '=' && next != '>' && next != '~';
        }
        if (next == '/' || next == ':') {
            return false; // URL scheme, C++/IPv6
        }
        return !lineStart || next == ' ' || next == '\t' || next == '\n';
    }

    /**
     * The name sits inside a string literal that the value's quote closes: the name has an opening
     * quote but no closing one ({@code "API_KEY: " + x}), unlike {@code "api_key": "x"}.
     */
    private static boolean insideStringLiteral(String t, int ls, int nameStart, int nameEnd, int v) {
        if (nameStart <= ls) {
            return false;
        }
        char open = t.charAt(nameStart - 1);
        return (open == '"' || open == '\'') && t.charAt(nameEnd) != open && t.charAt(v) == open;
    }

    /**
     * Source code rather than configuration: {@code password = get_password(v)},
     * {@code token = tokens[0]}, {@code api_key = settings.api_key}.
     */
    private static boolean isCode(String t, Value val, int ce, char sep, int nameEnd, int sepAt) {
        int e = val.end();
        if (e < ce && (t.charAt(e) == '(' || t.charAt(e) == '[')) {
            return isIdentifierPath(t, val.start(), e);
        }
        int bracket = -1;
        for (int i = val.start(); i < e; i++) {
            char ch = t.charAt(i);
            if (ch == '(' || ch == '[') {
                bracket = i;
                break;
            }
        }
        if (bracket > val.start() && isIdentifierPath(t, val.start(), bracket)) {
            return true;
        }
        boolean spaced = sep == '=' && sepAt > nameEnd; // "name = value" is code or INI, "name=value" env or a log
        return spaced && isIdentifierPath(t, val.start(), e) && t.substring(val.start(), e).indexOf('.') > 0;
    }

    /** {@code foo}, {@code foo.bar_baz}, {@code c->x}: names, not secrets, when followed by a call or an index. */
    private static boolean isIdentifierPath(String t, int s, int e) {
        if (s >= e || !(Character.isLetter(t.charAt(s)) || t.charAt(s) == '_')) {
            return false;
        }
        for (int i = s; i < e; i++) {
            char ch = t.charAt(i);
            boolean ok = Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == ':'
                    || (ch == '-' && i + 1 < e && t.charAt(i + 1) == '>') || (ch == '>' && i > s && t.charAt(i - 1) == '-');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Name ending just before the separator at {@code sep}: {@code password}, {@code "password"}, {@code \"password\"}. */
    private static int[] nameBefore(String t, int ls, int sep) {
        int j = sep - 1;
        int spaces = 0;
        while (j >= ls && (t.charAt(j) == ' ' || t.charAt(j) == '\t') && spaces < 4) {
            j--;
            spaces++;
        }
        if (j >= ls && (t.charAt(j) == '"' || t.charAt(j) == '\'')) {
            j--;
            if (j >= ls && t.charAt(j) == '\\') {
                j--;
            }
        }
        int end = j + 1;
        int k = j;
        while (k >= ls && isNameChar(t.charAt(k))) {
            if (end - k > 128) {
                return null;
            }
            k--;
        }
        return k + 1 < end ? new int[] {k + 1, end} : null;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    }

    /** The key of a YAML/env/JSON line: {@code  - name: }, {@code "name": }, {@code export NAME=}. */
    private static LineKey lineKey(String t, int fs, int ce) {
        int p = fs;
        if (p + 1 < ce && t.charAt(p) == '-' && (t.charAt(p + 1) == ' ' || t.charAt(p + 1) == '\t')) {
            p = skipBlanks(t, p + 1, ce);
        } else if (t.startsWith("export ", p)) {
            p = skipBlanks(t, p + 7, ce);
        }
        char q = p < ce ? t.charAt(p) : 0;
        boolean quoted = q == '"' || q == '\'';
        int s = quoted ? p + 1 : p;
        int e = s;
        while (e < ce && e - s <= 128 && (isNameChar(t.charAt(e)) || t.charAt(e) == '/')) {
            e++;
        }
        if (e == s) {
            return null;
        }
        int after = e;
        if (quoted) {
            if (after >= ce || t.charAt(after) != q) {
                return null;
            }
            after++;
        }
        int sep = skipBlanks(t, after, ce);
        if (sep >= ce || (t.charAt(sep) != ':' && t.charAt(sep) != '=')) {
            return null;
        }
        return new LineKey(s, e, sep, q == '"');
    }

    /**
     * Reads the value starting at {@code v}; null for a YAML flow collection. {@code resume} is
     * where scanning continues: past the closing quote of a quoted value.
     */
    private Value value(String t, int v, int ce, char sep, boolean lineStart, boolean yaml) {
        if (!yaml && v + 1 < ce && "fFrRbBuU".indexOf(t.charAt(v)) >= 0 && (t.charAt(v + 1) == '"' || t.charAt(v + 1) == '\'')) {
            v++; // f"Bearer {TOKEN}", r'...': a string literal's prefix, the value is inside the quotes
        }
        char q = t.charAt(v);
        if (q == '"') {
            int close = closingDoubleQuote(t, v + 1, ce);
            if (close >= 0) {
                return new Value(skipAuthScheme(t, v + 1, close), close, close + 1, true); // "Bearer x": the credential
            }
            v++;
        } else if (q == '\\' && v + 1 < ce && t.charAt(v + 1) == '"') {
            int close = escapedQuote(t, v + 2, ce);
            if (close >= 0) {
                return new Value(v + 2, close, close + 2, true);
            }
            v += 2;
        } else if (q == '\'') {
            int close = closingSingleQuote(t, v + 1, ce);
            if (close >= 0) {
                return new Value(skipAuthScheme(t, v + 1, close), close, close + 1, true);
            }
            v++;
        } else if (yaml && (q == '{' || q == '[')) {
            return null;
        }
        v = skipAuthScheme(t, v, ce);
        if (yaml || (envFile && lineStart && sep == '=')) {
            if (yaml && v < ce && (t.charAt(v) == '&' || t.charAt(v) == '!')) {
                v = skipBlanks(t, wordEnd(t, v, ce), ce); // anchor or tag before the value
            }
            int e = commentStart(t, v, ce);
            while (e > v && Character.isWhitespace(t.charAt(e - 1))) {
                e--;
            }
            return new Value(v, e, e, false);
        }
        int e = v;
        boolean envLine = lineStart && sep == '=';
        if (envLine) {
            while (e < ce && !Character.isWhitespace(t.charAt(e)) && !Character.isSpaceChar(t.charAt(e))) {
                e++;
            }
            int end = e > v && t.charAt(e - 1) == ';' ? e - 1 : e; // A=b; next: the ; separates commands
            return new Value(v, end, e, false);
        }
        while (e < ce && !(envLine ? Character.isWhitespace(t.charAt(e)) || Character.isSpaceChar(t.charAt(e)) : endsPlainValue(t.charAt(e)))) {
            if (!envLine && t.charAt(e) == '\\' && e + 1 < ce && "nrt\"".indexOf(t.charAt(e + 1)) >= 0) {
                break; // CF_Token=x\nCF_Account_ID=y: a JSON-escaped line break ends the value
            }
            e++;
        }
        return new Value(v, e, e, false);
    }

    /** {@code Authorization: Bearer x}: the credential is the word after the scheme. */
    private static int skipAuthScheme(String t, int v, int ce) {
        for (String scheme : new String[] {"bearer", "basic", "token", "digest"}) {
            int e = v + scheme.length();
            if (e < ce && t.regionMatches(true, v, scheme, 0, scheme.length()) && (t.charAt(e) == ' ' || t.charAt(e) == '\t')) {
                int w = skipBlanks(t, e, ce);
                return w < ce ? w : v;
            }
        }
        return v;
    }

    /** Also at non-ASCII symbols (emoji, «», ✓): decoration around a value in a log line, not part of it. */
    private static boolean endsPlainValue(char c) {
        return (c > 127 && !Character.isLetterOrDigit(c)) || Character.isWhitespace(c) || Character.isSpaceChar(c) || c == ',' || c == ';' || c == '&' || c == '"'
                || c == '\'' || c == '`' || c == '(' || c == ')' || c == '[' || c == ']' || c == '}' || c == '<' || c == '>'
                || c == '|';
    }

    /** JSON string end: a backslash escapes the character after it. */
    private static int closingDoubleQuote(String t, int from, int ce) {
        for (int i = from; i < ce; i++) {
            char c = t.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int escapedQuote(String t, int from, int ce) {
        for (int i = from; i + 1 < ce; i++) {
            if (t.charAt(i) == '\\' && t.charAt(i + 1) == '"') {
                return i;
            }
        }
        return -1;
    }

    private static int closingSingleQuote(String t, int from, int ce) {
        for (int i = from; i < ce; i++) {
            if (t.charAt(i) == '\'') {
                if (i + 1 < ce && t.charAt(i + 1) == '\'') {
                    i++; // YAML '' escape
                    continue;
                }
                return i;
            }
        }
        return -1;
    }

    private static int commentStart(String t, int v, int ce) {
        for (int i = v + 1; i < ce; i++) {
            if (t.charAt(i) == '#' && (t.charAt(i - 1) == ' ' || t.charAt(i - 1) == '\t')) {
                return i;
            }
        }
        return ce;
    }

    private static int wordEnd(String t, int v, int ce) {
        int e = v;
        while (e < ce && !Character.isWhitespace(t.charAt(e))) {
            e++;
        }
        return e;
    }

    private static boolean isBlockIndicator(String t, int v, int ce) {
        char c = t.charAt(v);
        if (c != '|' && c != '>') {
            return false;
        }
        int i = v + 1;
        int mods = 0;
        while (i < ce && mods < 2 && (t.charAt(i) == '+' || t.charAt(i) == '-' || Character.isDigit(t.charAt(i)))) {
            i++;
            mods++;
        }
        i = skipBlanks(t, i, ce);
        return i == ce || t.charAt(i) == '#';
    }

    /**
     * {@code password: |} followed by more-indented lines: all of them are the value. Each line is
     * replaced on its own later, so line numbers stay as they were.
     */
    private int blockScalar(String t, int ls, int fs, int ce, KeyNames.Strength st, List<Span> out) {
        int keyIndent = fs - ls;
        int n = t.length();
        int p = ce < n && t.charAt(ce) == '\r' ? ce + 2 : ce + 1;
        int first = -1;
        int last = -1;
        int after = p;
        while (p < n) {
            int le = t.indexOf('\n', p);
            if (le < 0) {
                le = n;
            }
            int lce = le > p && t.charAt(le - 1) == '\r' ? le - 1 : le;
            int f = skipBlanks(t, p, lce);
            if (f < lce) {
                if (f - p <= keyIndent) {
                    break;
                }
                if (first < 0) {
                    first = f;
                }
                last = lce;
                after = le + 1;
            }
            p = le + 1;
        }
        if (first < 0) {
            return after;
        }
        String content = t.substring(first, last);
        boolean secret = st == KeyNames.Strength.STRONG
                ? !KeyNames.isTrivial(content)
                : KeyNames.looksLikeKeyMaterial(content.replaceAll("\\s+", ""));
        if (secret) {
            out.add(new Span(first, last, Span.Layer.FIELD));
        }
        return after;
    }

    private static int skipBlanks(String t, int i, int ce) {
        while (i < ce && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** Nothing after the key (YAML) or just {@code {} (pretty-printed JSON). */
    private static boolean opensMapping(String t, int from, int ce) {
        int v = skipBlanks(t, from, ce);
        return v == ce || (t.charAt(v) == '{' && skipBlanks(t, v + 1, ce) == ce);
    }

    private static boolean isDataKey(String t, LineKey lk) {
        String k = t.substring(lk.nameStart(), lk.nameEnd());
        return k.equals("data") || k.equals("stringData");
    }

    private static boolean isDocumentSeparator(String t, int ls, int ce) {
        return t.startsWith("---", ls) && skipBlanks(t, ls + 3, ce) == ce;
    }

    /** {@code kind: Secret} (also as a list item of kubectl get -o yaml) or {@code "kind": "Secret",} (-o json). */
    private static boolean isSecretKindLine(String line) {
        String l = line.strip();
        if (l.startsWith("- ")) {
            l = l.substring(2).strip();
        }
        if (l.endsWith(",")) {
            l = l.substring(0, l.length() - 1);
        }
        if (l.startsWith("\"kind\"")) {
            l = "kind" + l.substring(6);
        }
        if (!l.startsWith("kind:")) {
            return false;
        }
        String kind = l.substring(5).strip();
        int hash = kind.indexOf(" #");
        kind = hash < 0 ? kind : kind.substring(0, hash).strip(); // kind: Secret # sealed later
        return kind.equals("Secret") || kind.equals("\"Secret\"") || kind.equals("'Secret'");
    }

    /** Per YAML document (split at {@code ---}): is it a Kubernetes Secret? Null when none is. */
    private static boolean[] secretDocuments(String t) {
        if (!t.contains("Secret")) {
            return null;
        }
        List<Boolean> docs = new ArrayList<>();
        boolean current = false;
        boolean any = false;
        int n = t.length();
        int ls = 0;
        while (ls < n) {
            int le = t.indexOf('\n', ls);
            if (le < 0) {
                le = n;
            }
            int ce = le > ls && t.charAt(le - 1) == '\r' ? le - 1 : le;
            if (isDocumentSeparator(t, ls, ce)) {
                docs.add(current);
                current = false;
            } else if (isSecretKindLine(t.substring(ls, ce))) {
                current = true;
                any = true;
            }
            ls = le + 1;
        }
        docs.add(current);
        if (!any) {
            return null;
        }
        boolean[] r = new boolean[docs.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = docs.get(i);
        }
        return r;
    }
}
