package dev.engine.redact;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides from a key (field, variable, flag) name whether its value is a secret, and which
 * values are obviously not secrets whatever the name says.
 */
final class KeyNames {
    private KeyNames() {}

    /** How sure the name alone makes us. */
    enum Strength {
        /** Not a secret name. */
        NONE,
        /** Ambiguous ({@code key}, {@code auth}): redact only values that look like key material. */
        WEAK,
        /** Redact any value that is not obviously a non-secret. */
        STRONG
    }

    /**
     * Suffixes of the normalized name (lower case, without {@code _ - .}) that make it a secret.
     * Suffix rather than word match so {@code bootstraptoken} and {@code secretboxencryptionsecret}
     * (Talos spells them in one word) count; {@code key} alone is handled separately because
     * {@code monkey} and {@code turnkey} end in it.
     */
    private static final String[] STRONG_SUFFIXES = {
        "password", "passwd", "passphrase", "secret", "secretkey", "secretid", "token", "apikey",
        "privatekey", "accesskey", "clientkey", "encryptionkey", "signingkey", "masterkey", "sessionkey",
        "authkey", "hmackey", "sharedkey", "keydata", "credential", "credentials", "authorization", "salt", "storepass", "keypass",
    };

    /** Suffixes of names whose value is the name of a Kubernetes Secret, not its content. */
    private static final String[] REFERENCE_SUFFIXES = {
        "credentialsecret", "credentialssecret", "tlssecret", "certsecret", "certificatesecret", "secretname", "secretref",
    };

    /**
     * Last words that make a name secret on their own: {@code DB_PASS}, {@code GITHUB_PAT},
     * {@code registry_creds}, {@code SENTRY_DSN} (its key is in the URL), {@code root_pw},
     * {@code wifi_psk}.
     */
    private static final Set<String> STRONG_LAST_WORDS = Set.of("pass", "pat", "creds", "dsn", "pwd", "pw", "psk");

    /**
     * First words of names that carry a secret's suffix but hold a count, a switch or a reference
     * to a secret: {@code existingSecret}, {@code max_token}, {@code createSecret}.
     */
    private static final Set<String> NONE_FIRST_WORDS = Set.of(
            "existing", "max", "min", "num", "use", "enable", "enabled", "disable", "create", "generate", "auto", "skip");

    /** Values after {@code token:} in log prose ("invalid token: context deadline exceeded"). */
    private static final Set<String> PROSE_WORDS = Set.of(
            "a", "an", "the", "is", "are", "was", "not", "no", "for", "of", "to", "in", "on", "and", "or",
            "invalid", "expired", "missing", "required", "empty", "error", "failed", "unauthorized", "forbidden",
            "denied", "context", "unknown", "none", "unset", "provided", "present", "rejected", "mismatch",
            "incorrect", "wrong", "must", "should", "cannot", "could", "did", "does", "has", "have", "will");

    private static final Set<String> TRIVIAL = Set.of(
            "null", "~", "none", "nil", "<nil>", "true", "false", "yes", "no", "on", "off", "undefined",
            "[]", "{}", "\"\"", "''", "-", "redacted", "<redacted>", "[redacted]", "(redacted)", "hidden", "<hidden>");

    /** False if no secret name ends in this character (password, token, key, secret, ..., auth, keydata). */
    static boolean mayBeSecretName(char last) {
        switch (Character.toLowerCase(last)) {
            case 'd', 't', 'n', 'y', 'e', 's', 'l', 'a', 'h':
                return true;
            default:
                return false;
        }
    }

    static Strength classify(String rawName) {
        String n = normalize(rawName);
        if (n.isEmpty()) {
            return Strength.NONE;
        }
        String first = firstWord(rawName);
        if (NONE_FIRST_WORDS.contains(first) && first.length() < n.length()) {
            return Strength.NONE;
        }
        if (n.contains("checksum") || n.endsWith("sha256") || n.endsWith("digest")) {
            return Strength.NONE; // checksum/secret: a hash of the Secret, published to roll pods
        }
        for (String ref : REFERENCE_SUFFIXES) {
            if (n.endsWith(ref)) {
                return Strength.NONE; // backupTargetCredentialSecret: minio names a Secret object
            }
        }
        for (String s : STRONG_SUFFIXES) {
            if (n.endsWith(s)) {
                // sudoers NOPASSWD:, notoken: a switch, not a secret
                return n.length() == s.length() + 2 && n.startsWith("no") ? Strength.NONE : Strength.STRONG;
            }
        }
        String last = lastWord(rawName);
        if (STRONG_LAST_WORDS.contains(last) && !n.equals("pwd")) {
            return Strength.STRONG; // PWD alone is the shell's working directory
        }
        if (n.endsWith("publickey")) {
            return Strength.NONE;
        }
        if (last.equals("key") || n.equals("auth")) {
            return Strength.WEAK;
        }
        return Strength.NONE;
    }

    /**
     * Environment variable names: the key-name rule plus the conventions of secret-bearing
     * variables ({@code *_TOKEN}, {@code *SECRET*}, {@code *_KEY}, {@code *CREDENTIAL*}, ...).
     * Names of files, paths and directories are excluded: their values are locations.
     */
    static boolean isSensitiveEnvName(String name) {
        String u = name.toUpperCase(Locale.ROOT);
        if (u.endsWith("_FILE") || u.endsWith("_PATH") || u.endsWith("_DIR") || u.endsWith("_HOME")) {
            return false;
        }
        if (classify(name) != Strength.NONE) {
            return true;
        }
        // the names the earlier measurement let through: GITHUB_PAT, *_WEBHOOK*, OP_SESSION_*, *_CREDS, SENTRY_DSN
        return u.contains("SECRET") || u.contains("CREDENTIAL") || u.contains("PASSWORD") || u.contains("PRIVATE")
                || u.contains("WEBHOOK") || u.contains("TOKEN") || u.contains("PASSWD") || u.contains("APIKEY")
                || u.startsWith("OP_SESSION") || u.contains("_CREDS") || u.startsWith("CREDS_") || u.endsWith("DSN")
                || u.endsWith("_PAT") || u.startsWith("PAT_") || u.contains("_PAT_") || u.contains("COOKIE")
                || u.endsWith("_KEY") || u.contains("_KEY_") || u.endsWith("_PASS") || u.endsWith("_PWD") || u.endsWith("_PW")
                || u.endsWith("_AUTH") || u.endsWith("_PSK") || u.contains("CONNECTION_STRING");
    }

    /**
     * Whether {@code value}, found under a name of strength {@code st}, is a secret: not a
     * placeholder or reference, not the name itself ({@code password=password}), not a path for a
     * key-named field, and key material if the name alone does not make it one.
     */
    static boolean isSecretValue(String name, String value, Strength st) {
        if (st == Strength.NONE || isTrivial(value)) {
            return false;
        }
        String bare = value.endsWith(";") || value.endsWith(",") ? value.substring(0, value.length() - 1) : value;
        if (name != null && (bare.equalsIgnoreCase(name) || bare.equalsIgnoreCase(lastWord(name)))) {
            return false; // password = password: a variable passed on, or a documentation example
        }
        if (name != null && normalize(name).endsWith("key") && looksLikePath(value)) {
            return false; // client-key: /etc/kubernetes/pki/client.key
        }
        if (isUpperIdentifier(bare)) {
            return false; // secretKey: DB_PASSWORD names the key, passwordKey: ADMIN_PASSWORD names a variable
        }
        return st == Strength.STRONG || looksLikeKeyMaterial(value);
    }

    private static final String[] AUTH_SCHEMES = {"bearer ", "basic ", "token ", "digest ", "bot ", "apikey ", "sso-key "};

    /** Where the credential starts in {@code Bearer x}, {@code Token x}: after the scheme word (0 if none). */
    static int credentialStart(String value) {
        for (String s : AUTH_SCHEMES) {
            if (value.regionMatches(true, 0, s, 0, s.length())) {
                int i = s.length();
                while (i < value.length() && value.charAt(i) == ' ') {
                    i++;
                }
                return i < value.length() ? i : 0;
            }
        }
        if (value.regionMatches(true, 0, "PVEAPIToken=", 0, 12)) {
            return value.lastIndexOf('=') + 1; // USER@REALM!TOKENID=SECRET
        }
        return 0;
    }

    static String normalize(String rawName) {
        StringBuilder sb = new StringBuilder(rawName.length());
        for (int i = 0; i < rawName.length(); i++) {
            char c = rawName.charAt(i);
            if (c != '_' && c != '-' && c != '.' && c != ' ') {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    /** Last word of snake, kebab, dotted or camel case, lower case: {@code clientSecretRef} gives {@code ref}. */
    static String lastWord(String rawName) {
        int end = rawName.length();
        while (end > 0 && !Character.isLetterOrDigit(rawName.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0) {
            char c = rawName.charAt(start - 1);
            if (!Character.isLetterOrDigit(c)) {
                break;
            }
            start--;
            if (Character.isUpperCase(c) && start > 0 && Character.isLowerCase(rawName.charAt(start - 1))) {
                break; // camel case boundary: fooKey -> Key
            }
            if (Character.isUpperCase(c) && start + 1 < end && Character.isLowerCase(rawName.charAt(start + 1))
                    && start > 0 && Character.isUpperCase(rawName.charAt(start - 1))) {
                break; // acronym boundary: APIKey -> Key
            }
        }
        return rawName.substring(start, end).toLowerCase(Locale.ROOT);
    }

    /** First word of snake, kebab, dotted or camel case, lower case: {@code existingSecret} gives {@code existing}. */
    static String firstWord(String rawName) {
        int start = 0;
        while (start < rawName.length() && !Character.isLetterOrDigit(rawName.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < rawName.length()) {
            char c = rawName.charAt(end);
            if (!Character.isLetterOrDigit(c)) {
                break;
            }
            if (end > start && Character.isUpperCase(c) && Character.isLowerCase(rawName.charAt(end - 1))) {
                break;
            }
            end++;
        }
        return rawName.substring(start, end).toLowerCase(Locale.ROOT);
    }

    /** Values no name makes secret: empty, booleans, references to variables, templates, masks, placeholders. */
    static boolean isTrivial(String value) {
        String v = value.strip();
        while (v.endsWith(",") || v.endsWith(";")) {
            v = v.substring(0, v.length() - 1).strip(); // password: null, (in a JS object)
        }
        if (v.isEmpty()) {
            return true;
        }
        if (TRIVIAL.contains(v.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (v.startsWith("${") || v.startsWith("$(") || v.startsWith("{") || v.startsWith("%{") || v.startsWith("#{")
                || v.startsWith("ENC[") || v.startsWith("*")) {
            return true; // variable, command substitution, template ({{ }}, Python's {token}), object, SOPS ciphertext, YAML alias
        }
        if (v.charAt(0) == '$' && v.length() > 1
                && (Character.isLetter(v.charAt(1)) || v.charAt(1) == '_' || v.charAt(1) == '{' || v.charAt(1) == '(')) {
            return true; // $VAR, $dir/x, $entry->{...}: a reference, expanded elsewhere
        }
        if (v.length() >= 2 && v.charAt(0) == '<' && v.charAt(v.length() - 1) == '>' && v.indexOf('<', 1) < 0) {
            return true; // <your-token-here>
        }
        if (v.regionMatches(true, 0, "[REDACTED", 0, 9) || Redactor.PLACEHOLDER.matcher(v).matches()) {
            return true;
        }
        if (BYTE_COUNT.matcher(v).matches()) {
            return true; // kubectl describe secret: "password:  16 bytes"
        }
        return isMask(v);
    }

    private static final Pattern BYTE_COUNT = Pattern.compile("[0-9]+ bytes");
    private static final Pattern UPPER_IDENTIFIER = Pattern.compile("[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** {@code DB_PASSWORD} as a value: the name of a variable or a Secret's key, not a password. */
    static boolean isUpperIdentifier(String v) {
        return UPPER_IDENTIFIER.matcher(v).matches();
    }

    static boolean isUuid(String v) {
        return v.length() == 36 && UUID.matcher(v).matches();
    }

    /** Prose that follows a secret's name in a log message, not a value. */
    static boolean isProseWord(String value) {
        return PROSE_WORDS.contains(value.toLowerCase(Locale.ROOT));
    }

    /** {@code *****}, {@code xxxxxx}, {@code ......}: someone already masked it. */
    private static boolean isMask(String v) {
        char c = v.charAt(0);
        if (c != '*' && c != 'x' && c != 'X' && c != '.' && c != '•' && c != '#') {
            return false;
        }
        for (int i = 1; i < v.length(); i++) {
            if (v.charAt(i) != c) {
                return false;
            }
        }
        return v.length() >= 3;
    }

    /**
     * Random key material (base64, base64url, hex) rather than a name, a label key or a path:
     * {@code LS0tLS1CRUdJTi...} is, {@code node-role.kubernetes.io/control-plane} and
     * {@code password} (a reference to a Secret's key) are not.
     */
    static boolean looksLikeKeyMaterial(String v) {
        if (v.length() < 16 || isUuid(v) || (v.startsWith("age1") && v.length() == 62)) {
            return false; // an id (ExternalSecret remoteRef.key), an age public key (recipient)
        }
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c != '+' && c != '/' && c != '=' && c != '_' && c != '-') {
                return false;
            }
        }
        // a digit, or long and mixed case: EC_KEY_new_by_curve_name is an identifier, not a key
        return (digit && (upper || lower)) || (upper && lower && v.length() >= 32 && v.indexOf('_') < 0);
    }

    /** Opaque token rather than a word of prose: has a digit, or mixed case and some length. */
    static boolean looksRandom(String v) {
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            digit |= c >= '0' && c <= '9';
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
        }
        return digit || (upper && lower && v.length() >= 16);
    }

    /**
     * A file location ({@code /etc/ssl/private/tls.key}, {@code ~/.kube/config}) rather than
     * base64 that happens to start with a slash: lower-case path segments only.
     */
    static boolean looksLikePath(String v) {
        if (!(v.startsWith("/") || v.startsWith("~/") || v.startsWith("./") || v.startsWith("../"))) {
            return false;
        }
        if (v.indexOf('/', 1) < 0 && !v.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_'
                    || c == '-' || c == '~' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
