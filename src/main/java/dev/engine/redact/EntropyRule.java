package dev.engine.redact;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layer 5: a long random-looking value in assignment position ({@code name: value},
 * {@code NAME=value}) whose name says nothing, such as a tunnel credential under
 * {@code TUNNEL_BLOB}. The thresholds were tuned on the clean corpus (bench/redaction-fp.sh): digests,
 * UIDs, image references, Kubernetes generated names and base64 certificates stay.
 */
final class EntropyRule {
    static final int MIN_LENGTH = 20;
    static final int MAX_LENGTH = 256;

    /**
     * Suffixes of normalized names whose values are random by construction but public: hashes,
     * identifiers, references, certificates, public keys.
     */
    private static final String[] PUBLIC_SUFFIXES = {
        "id", "ids", "uid", "uuid", "guid", "digest", "sha", "sha1", "sha256", "sha512", "md5", "hash", "checksum", "sum",
        "integrity", "commit", "revision", "rev", "ref", "etag", "image", "tag", "version", "generation", "name", "names",
        "namespace", "url", "uri", "endpoint", "host", "hostname", "server", "address", "path", "file", "dir", "directory",
        "crt", "cert", "certificate", "ca", "cabundle", "data", "publickey", "pubkey", "fingerprint", "nonce", "signature",
        "recipient", "kid", "serial", "resourceversion", "selector", "label", "msg", "message", "error", "err", "reason",
        "caller", "logger", "level", "ts", "time", "timestamp", "duration", "pod", "node", "container", "hostkey", "knownhosts",
        "iv", "ray", "controller", "component", "kind", "type", "class", "handler", "method", "func", "function", "module",
    };

    private EntropyRule() {}

    /** Characters of a token-like value: base64, base64url, hex, dotted and dashed identifiers. */
    static boolean isValueChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='
                || c == '_' || c == '-' || c == '.' || c == '~';
    }

    /** Whether {@code value}, assigned to {@code name}, looks like a generated secret. */
    static boolean isRandomSecret(String name, String value) {
        if (name == null || value.length() < MIN_LENGTH || value.length() > MAX_LENGTH || hasPublicName(name)) {
            return false;
        }
        boolean upper = false;
        boolean lower = false;
        boolean hexOnly = true;
        int digits = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!isValueChar(c)) {
                return false;
            }
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
                hexOnly &= c <= 'F';
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
                hexOnly &= c <= 'f';
            } else if (c != '-') {
                hexOnly = false;
            }
        }
        int eq = value.indexOf('=');
        if (eq >= 0 && value.substring(eq).chars().anyMatch(c -> c != '=')) {
            return false; // a=b inside: pairs, not base64 (whose = only pads the end)
        }
        if (hexOnly) {
            return false; // digests and UUIDs; hex secrets are caught by their names and known values
        }
        if (value.startsWith("AAAA") || value.startsWith("LS0tLS1CRUdJTiBDRVJU") || value.startsWith("LS0tLS1CRUdJTiBQVUJMSUM")
                || value.startsWith("M") && PemScanner.isCertificateDer(value)) {
            return false; // SSH public key body, base64 certificate or public key
        }
        if (isDottedWords(value) || isVersion(value) || isWordy(value) || isHexWithSuffix(value) || isFilePath(value)) {
            return false;
        }
        boolean mixedCase = upper && lower;
        if (digits == 0 && !(mixedCase && value.length() >= 24)) {
            return false;
        }
        if (!mixedCase && value.length() < 32) {
            return false; // lower-case names with a hash suffix: coredns-5d78c9869d-abcde
        }
        return entropy(value) >= threshold(value.length(), mixedCase);
    }

    /**
     * Bits per character a random string of this length reaches almost always (measured: the
     * 1st percentile of 100,000 random base62 and base36 strings, see EntropyRuleTest), minus a
     * margin.
     */
    static double threshold(int n, boolean mixedCase) {
        double alphabet = mixedCase ? 62 : 36;
        double max = Math.log(Math.min(n, alphabet)) / Math.log(2);
        return max * (n <= 32 ? 0.78 : 0.76);
    }

    static double entropy(String v) {
        int[] counts = new int[128];
        for (int i = 0; i < v.length(); i++) {
            counts[v.charAt(i) & 127]++;
        }
        double h = 0;
        double n = v.length();
        for (int c : counts) {
            if (c > 0) {
                double p = c / n;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(2);
    }

    private static boolean hasPublicName(String name) {
        String raw = name.toLowerCase(Locale.ROOT);
        if (raw.endsWith(".crt") || raw.endsWith(".pem") || raw.endsWith(".der") || raw.endsWith(".cer") || raw.endsWith(".pub")) {
            return true; // ca.der, tls.crt: certificates and public keys by file name
        }
        String n = KeyNames.normalize(name).toLowerCase(Locale.ROOT);
        if (n.endsWith("sessionid")) {
            return false;
        }
        if (n.contains("public")) {
            return true;
        }
        for (String s : PUBLIC_SUFFIXES) {
            if (n.endsWith(s)) {
                return true;
            }
        }
        return NON_ASSIGNMENT.contains(n);
    }

    /** Words that precede a colon in prose and logs, not names of values. */
    private static final Set<String> NON_ASSIGNMENT = Set.of("http", "https", "see", "note", "warning", "info", "debug");

    private static final Pattern CAMEL_WORD = Pattern.compile("[A-Z][a-z]{2,}");

    /**
     * {@code k8s.NodeApplyController}, {@code kube-prometheus-stack-operator-7d8f9c6b5}: mostly
     * words (capitalised camel-case words, or letter-only segments between {@code - _ .}) that hold
     * a vowel, which random strings of the same length almost never are.
     */
    static boolean isWordy(String v) {
        int covered = 0;
        Matcher m = CAMEL_WORD.matcher(v);
        while (m.find()) {
            if (hasVowel(m.group())) {
                covered += m.group().length();
            }
        }
        if (v.indexOf('-') >= 0 || v.indexOf('_') >= 0 || v.indexOf('.') >= 0 || v.indexOf('/') >= 0) {
            for (String seg : v.split("[-_./]")) {
                if (seg.length() >= 3 && seg.chars().allMatch(c -> c >= 'a' && c <= 'z') && hasVowel(seg)) {
                    covered += seg.length();
                }
            }
        }
        return covered * 2 >= v.length();
    }

    private static boolean hasVowel(String w) {
        return w.chars().anyMatch(c -> "aeiouAEIOU".indexOf(c) >= 0);
    }

    /** {@code aef1e04e97c89367-FRA} (Cloudflare's cf-ray): hex with a short location suffix. */
    private static boolean isHexWithSuffix(String v) {
        String[] parts = v.split("[-_.]");
        for (String p : parts) {
            boolean hex = !p.isEmpty() && p.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
            boolean shortWord = p.length() <= 5 && p.chars().allMatch(Character::isLetter);
            if (!hex && !shortWord) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code logs/talos/talos_20261206-222906_attempt1.log}, {@code talos_20261206-223440_case_v1.md}:
     * a name in words and stamps joined by {@code / _ -}, ending in a lower-case extension. Neither
     * base64 (no dot) nor base64url (no dot) has that shape, and a JWT's last part is long.
     */
    static boolean isFilePath(String v) {
        int dot = v.lastIndexOf('.');
        int ext = v.length() - dot - 1;
        if (dot < 1 || ext < 1 || ext > 4 || v.indexOf("//") >= 0 || v.indexOf('=') >= 0 || v.indexOf('+') >= 0) {
            return false;
        }
        for (int i = dot + 1; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 'a' || c > 'z') {
                return false;
            }
        }
        String stem = v.substring(0, dot);
        return stem.indexOf('/') >= 0 || stem.indexOf('_') >= 0 || stem.indexOf('-') >= 0;
    }

    private static boolean isDottedWords(String v) {
        if (v.indexOf('.') < 0) {
            return false;
        }
        for (String seg : v.split("[.]")) {
            for (int i = 0; i < seg.length(); i++) {
                char c = seg.charAt(i);
                if (!(c >= 'a' && c <= 'z') && c != '-') {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isVersion(String v) {
        int i = v.startsWith("v") ? 1 : 0;
        return i < v.length() && Character.isDigit(v.charAt(i)) && v.indexOf('.') > 0
                && v.chars().filter(Character::isLetter).count() < 6;
    }
}
