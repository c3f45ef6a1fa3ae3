package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

/** Test helpers: planted secrets and the assertion that none of their bytes got through. */
final class Secrets {
    static final byte[] KEY = filled(32, (byte) 7);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Secrets() {}

    static Redactor redactor() {
        return Redactor.create(KEY, Map.of());
    }

    static byte[] filled(int n, byte b) {
        byte[] k = new byte[n];
        Arrays.fill(k, b);
        return k;
    }

    /** Random letters and digits, always with at least one digit, as real tokens have. */
    static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        sb.setCharAt(n / 2, (char) ('0' + RANDOM.nextInt(10)));
        return sb.toString();
    }

    static String lowerAlnum(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        sb.setCharAt(0, '7');
        return sb.toString();
    }

    /** Neither the secret nor any 12-character piece of it is in {@code out}. */
    static void assertGone(String out, String secret) {
        assertThat(out).doesNotContain(secret);
        int w = 12;
        if (secret.length() >= 16) {
            for (int i = 0; i + w <= secret.length(); i++) {
                String piece = secret.substring(i, i + w);
                if (!piece.isBlank()) {
                    assertThat(out).as("piece %s of the secret", piece).doesNotContain(piece);
                }
            }
        }
    }
}
