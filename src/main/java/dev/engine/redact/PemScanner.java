package dev.engine.redact;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Private keys in PEM armour, plain or as JSON-escaped single lines, base64-encoded PEM private
 * keys (kubeconfig {@code client-key-data}, Talos {@code key:}, Secret {@code data:}) in any
 * wrapping, and key bodies without armour: DER private keys in base64 (PKCS#8, PKCS#1, SEC1,
 * recognised by their ASN.1 structure) and OpenSSH key bodies. Certificates are public and stay.
 *
 * <p>Hand-written rather than a regex: one left-to-right pass, each character looked at a bounded
 * number of times, whatever the input.
 */
final class PemScanner {
    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";
    /** base64("-----BEGIN "), the start of every base64-encoded PEM block. */
    private static final String B64_BEGIN = "LS0tLS1CRUdJTi";
    private static final int MAX_LABEL = 48;

    private PemScanner() {}

    /** base64 of "openssh-key-v1", the start of every OpenSSH private key body. */
    private static final String OPENSSH_BODY = "b3BlbnNzaC1rZXktdjE";

    static void scan(String t, List<Span> out) {
        scanArmoured(t, out);
        scanBase64(t, out);
        scanDer(t, out);
    }

    /** What the first bytes of a DER structure are. */
    enum Der { PRIVATE_KEY, OTHER, NONE }

    /**
     * A private key's DER starts {@code SEQUENCE { INTEGER 0|1, ...}} followed by an algorithm
     * (PKCS#8), the modulus (PKCS#1 RSA) or the key octets (SEC1 EC); certificates, public keys
     * and encrypted keys start {@code SEQUENCE { SEQUENCE ...}}.
     */
    static Der der(byte[] b) {
        if (b.length < 8 || b[0] != 0x30) {
            return Der.NONE;
        }
        int i = 1;
        int len = b[i++] & 0xff;
        if ((len & 0x80) != 0) {
            int nb = len & 0x7f;
            if (nb < 1 || nb > 3) {
                return Der.NONE;
            }
            i += nb;
        }
        if (i + 3 >= b.length) {
            return Der.NONE;
        }
        if (b[i] == 0x02 && b[i + 1] == 0x01 && (b[i + 2] == 0x00 || b[i + 2] == 0x01)) {
            byte next = b[i + 3];
            return next == 0x30 || next == 0x02 || next == 0x04 ? Der.PRIVATE_KEY : Der.NONE;
        }
        return b[i] == 0x30 ? Der.OTHER : Der.NONE;
    }

    /** Base64 {@code v} starts a DER certificate or public key (public, not to be redacted). */
    static boolean isCertificateDer(String v) {
        return derOf(v, 0, v.length()) == Der.OTHER;
    }

    private static Der derOf(String t, int b, int e) {
        int n = Math.min(e - b, 64) & ~3;
        if (n < 12) {
            return Der.NONE;
        }
        try {
            return der(Base64.getDecoder().decode(t.substring(b, b + n)));
        } catch (IllegalArgumentException notBase64) {
            return Der.NONE;
        }
    }

    /** Raw PKCS#8/PKCS#1/SEC1 base64 ({@code MII...}, {@code MC4C...}, {@code MHcC...}) and OpenSSH bodies. */
    private static void scanDer(String t, List<Span> out) {
        int n = t.length();
        for (int b = t.indexOf('M'); b >= 0 && b < n; b = t.indexOf('M', b + 1)) {
            if (b + 40 > n || (b > 0 && isBase64(t.charAt(b - 1)))) {
                continue;
            }
            char c1 = t.charAt(b + 1);
            if (c1 < 'A' || c1 > 'I') {
                continue; // SEQUENCE (0x30) then a length: M followed by A..I
            }
            int e = b;
            while (e < n && isBase64(t.charAt(e))) {
                e++;
            }
            if (e - b < 40) {
                b = e;
                continue;
            }
            if (derOf(t, b, e) == Der.PRIVATE_KEY) {
                int end = wrappedEnd(t, b, e);
                out.add(new Span(b, end, Span.Layer.FORMAT, "private-key"));
                b = end;
            } else {
                b = e;
            }
        }
        for (int b = t.indexOf(OPENSSH_BODY); b >= 0; b = t.indexOf(OPENSSH_BODY, b + 1)) {
            if (b > 0 && isBase64(t.charAt(b - 1))) {
                continue;
            }
            int e = b;
            while (e < n && isBase64(t.charAt(e))) {
                e++;
            }
            int end = wrappedEnd(t, b, e);
            out.add(new Span(b, end, Span.Layer.FORMAT, "private-key"));
            b = end - 1;
        }
    }

    private static void scanArmoured(String t, List<Span> out) {
        int n = t.length();
        int from = 0;
        while (from < n) {
            int b = t.indexOf(BEGIN, from);
            if (b < 0) {
                return;
            }
            int labelEnd = labelEnd(t, b + BEGIN.length());
            if (labelEnd < 0) {
                from = b + BEGIN.length();
                continue;
            }
            int headerEnd = labelEnd + DASHES.length();
            if (!t.substring(b + BEGIN.length(), labelEnd).contains("PRIVATE KEY")) {
                from = headerEnd;
                continue;
            }
            int j = headerEnd;
            int end = -1;
            while (j < n) {
                char c = t.charAt(j);
                if (c == '-' && t.startsWith(END, j)) {
                    int e = labelEnd(t, j + END.length());
                    if (e >= 0) {
                        end = e + DASHES.length();
                    }
                    break;
                }
                if (c == '-' && t.startsWith(BEGIN, j)) {
                    break;
                }
                if (!isArmourChar(c)) {
                    break;
                }
                j++;
            }
            if (end < 0) {
                end = truncatedEnd(t, headerEnd, j); // a log tail cut the key short: still secret
            }
            out.add(new Span(b, end, Span.Layer.FORMAT, "private-key"));
            from = Math.max(end, headerEnd);
        }
    }

    /** Index of the {@code -----} closing a label that starts at {@code i}, or -1. */
    private static int labelEnd(String t, int i) {
        int lim = Math.min(t.length(), i + MAX_LABEL);
        int k = i;
        while (k < lim) {
            char c = t.charAt(k);
            if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ') {
                k++;
            } else {
                break;
            }
        }
        return t.startsWith(DASHES, k) ? k : -1;
    }

    /** Characters of a PEM body: base64, line breaks (also escaped as {@code \n}), encryption headers. */
    private static boolean isArmourChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                || c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\' || c == ':' || c == ','
                || c == '-';
    }

    /**
     * End of a PEM body that has no END line: the lines (from the header on) that are base64 or
     * encryption headers. Ordinary log text after it stays.
     */
    private static int truncatedEnd(String t, int headerEnd, int limit) {
        int end = headerEnd;
        int p = headerEnd;
        while (p < limit) {
            int nl = t.indexOf('\n', p);
            int lineEnd = nl < 0 || nl > limit ? limit : nl;
            if (!isBodyLine(t, p, lineEnd)) {
                break;
            }
            int e = lineEnd;
            while (e > p && Character.isWhitespace(t.charAt(e - 1))) {
                e--;
            }
            if (e > p) {
                end = e;
            }
            p = lineEnd + 1;
        }
        return end;
    }

    private static boolean isBodyLine(String t, int s, int e) {
        String line = t.substring(s, e).strip();
        if (line.startsWith("Proc-Type:") || line.startsWith("DEK-Info:")) {
            return true;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean b64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
                    || c == '/' || c == '=';
            if (c == '\\' && i + 1 < line.length() && (line.charAt(i + 1) == 'n' || line.charAt(i + 1) == 'r')) {
                i++;
            } else if (!b64) {
                return false;
            }
        }
        return true;
    }

    private static void scanBase64(String t, List<Span> out) {
        int from = 0;
        while (true) {
            int b = t.indexOf(B64_BEGIN, from);
            if (b < 0) {
                return;
            }
            int e = b;
            while (e < t.length() && isBase64(t.charAt(e))) {
                e++;
            }
            from = e;
            if (b > 0 && isBase64(t.charAt(b - 1)) && t.charAt(b - 1) != '=') {
                continue; // not at a token boundary, so not aligned: cannot decode from here
            }
            int prefix = Math.min(e - b, 96) & ~3;
            String head;
            try {
                head = new String(Base64.getDecoder().decode(t.substring(b, b + prefix)), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            int nl = head.indexOf('\n');
            String header = nl < 0 ? head : head.substring(0, nl);
            if (header.contains("PRIVATE KEY") || (nl < 0 && head.length() < 40 && !head.contains("CERTIFICATE"))) {
                int end = wrappedEnd(t, b, e);
                out.add(new Span(b, end, Span.Layer.FORMAT, "private-key"));
                from = end;
            }
        }
    }

    /**
     * {@code base64 -w 76 key.pem}: the lines after the first, as long as they are pure base64 and
     * the one before was full width. Returns the end of the last such line.
     */
    private static int wrappedEnd(String t, int b, int e) {
        int width = e - b;
        if (width < 16) {
            return e; // 40 and 64 columns are common (the leak was wrapped at 40), 76 is base64's default
        }
        int end = e;
        int p = e;
        while (p < t.length() && t.charAt(end - 1) != '=') {
            if (t.charAt(p) == '\r') {
                p++;
            }
            if (p >= t.length() || t.charAt(p) != '\n') {
                break;
            }
            int s = p + 1;
            while (s < t.length() && (t.charAt(s) == ' ' || t.charAt(s) == '\t')) {
                s++;
            }
            int q = s;
            while (q < t.length() && isBase64(t.charAt(q))) {
                q++;
            }
            boolean lineEnds = q == t.length() || t.charAt(q) == '\n' || t.charAt(q) == '\r';
            if (q == s || !lineEnds || q - s > width) {
                break;
            }
            end = q;
            p = q;
            if (q - s < width) {
                break; // a short line is the last one
            }
        }
        return end;
    }

    private static boolean isBase64(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                || c == '=';
    }
}
