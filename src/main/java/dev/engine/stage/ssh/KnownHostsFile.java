package dev.engine.stage.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads known_hosts only to tell the operator <em>which line</em> is in the way. Trust decisions
 * are JSch's; this mirrors its matching (plain names, comma lists, hashed {@code |1|salt|hash}
 * entries) so the line named is the one JSch compared against.
 */
final class KnownHostsFile {
    /** One entry naming the host: its 1-based line number and key type ({@code ssh-ed25519}...). */
    record Entry(int line, String keyType) {}

    private KnownHostsFile() {}

    static List<Entry> entriesFor(Path file, String hostName) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).strip().split("[ \\t]+");
            int h = f.length > 0 && f[0].startsWith("@") ? 1 : 0;
            if (f.length < h + 3 || f[0].startsWith("#")) {
                continue;
            }
            for (String pattern : f[h].split(",")) {
                if (matches(pattern, hostName)) {
                    out.add(new Entry(i + 1, f[h + 1]));
                    break;
                }
            }
        }
        return out;
    }

    private static boolean matches(String pattern, String hostName) {
        if (pattern.startsWith("|1|")) {
            String[] parts = pattern.split("\\|");
            if (parts.length != 4) {
                return false;
            }
            try {
                byte[] salt = Base64.getDecoder().decode(parts[2]);
                byte[] hash = Base64.getDecoder().decode(parts[3]);
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(salt, "HmacSHA1"));
                return MessageDigest.isEqual(hash, mac.doFinal(hostName.getBytes(StandardCharsets.UTF_8)));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                return false;
            }
        }
        return pattern.toLowerCase(Locale.ROOT).equals(hostName.toLowerCase(Locale.ROOT));
    }

    /** {@code SHA256:<base64>} of a public key blob, as {@code ssh-keygen -lf} prints it. */
    static String sha256Fingerprint(byte[] keyBlob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBlob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The {@code -t} argument of ssh-keyscan for a key type. */
    static String keyscanType(String keyType) {
        if (keyType.startsWith("ecdsa-")) {
            return "ecdsa";
        }
        if (keyType.equals("ssh-rsa")) {
            return "rsa";
        }
        return keyType.startsWith("ssh-") ? keyType.substring(4) : keyType;
    }
}
