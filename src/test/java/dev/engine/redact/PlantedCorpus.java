package dev.engine.redact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The planted-secret corpus ({@code src/test/resources/redact/planted/}): real file formats, logs
 * and command output of a homelab, each with secrets planted where they really occur. Other tests
 * (the end-to-end run through a failing stage and a MockWebServer model) load it from here.
 *
 * <p>A context is a directory: {@code workspace/} holds the workspace's files (what
 * {@link KnownSecrets#collect} reads and what a case file quotes), the other files are texts the
 * engine sees (logs, command output, diffs), and {@code ENV} the engine's environment
 * ({@code NAME=value} lines). {@code SOURCES.md} names the real material each context follows.
 *
 * <p>Secrets are written as markers {@code ⟦expr⟧} that this loader expands, so no secret-shaped
 * string sits in the repository (secret scanners stay quiet) and every value has its real shape:
 *
 * <ul>
 *   <li>{@code gen:NAME} a new value of generator {@code gen} ({@code ghp}, {@code pw}, {@code pem-ec},
 *       see {@link #generate}), bound to NAME within the context;
 *   <li>{@code NAME} that value again;
 *   <li>{@code f(expr)} an encoding: {@code b64}, {@code b64url}, {@code url}, {@code json},
 *       {@code der} (a PEM's body on one line), {@code pemjson} (a PEM with {@code \n} escapes),
 *       {@code wrap@W} (lines of W), {@code wrap@W+I} (continuation lines indented by I),
 *       {@code indent@I} (every line after the first indented by I), {@code split@N} (a line break
 *       after N characters), {@code pair@USER} ({@code USER:value}, base64-encoded: docker's
 *       {@code auth}).
 * </ul>
 *
 * Every expanded marker is an occurrence that must not survive redaction. Values are derived from
 * the context and name with a fixed seed: the corpus is the same in every run.
 */
public final class PlantedCorpus {
    public static final String ROOT = "/redact/planted";
    private static final char OPEN = '\u27E6';
    private static final char CLOSE = '\u27E7';

    /** A marked stretch of a text: {@code [start, end)} must be gone after redaction. */
    public record Occurrence(int start, int end, String value) {
        /** The value without the line breaks and indentation a wrap inserted. */
        public String joined() {
            return value.replaceAll("\r?\n[ \t]*", "");
        }

        public boolean multiLine() {
            return value.indexOf('\n') >= 0;
        }
    }

    /** A text of the context: its path (relative to the workspace for workspace files). */
    public record Text(String path, String content, List<Occurrence> occurrences, boolean inWorkspace) {}

    public record Context(String name, Map<String, String> env, List<Text> texts) {
        /** Distinct strings that must vanish (an encoding of a value is one more). */
        public List<String> secrets() {
            return texts.stream().flatMap(t -> t.occurrences().stream()).map(Occurrence::joined).distinct().toList();
        }

        public int occurrences() {
            return texts.stream().mapToInt(t -> t.occurrences().size()).sum();
        }

        /** Writes the workspace files under {@code dir} (for {@link KnownSecrets#collect}). */
        public Path writeWorkspace(Path dir) throws IOException {
            Files.createDirectories(dir);
            for (Text t : texts) {
                if (t.inWorkspace()) {
                    Path f = dir.resolve(t.path());
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, t.content());
                }
            }
            return dir;
        }
    }

    private PlantedCorpus() {}

    public static List<Context> load() {
        URL url = PlantedCorpus.class.getResource(ROOT);
        if (url == null) {
            throw new IllegalStateException("planted corpus not on the test classpath: " + ROOT);
        }
        try {
            Path root = Path.of(url.toURI());
            List<Context> out = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                    out.add(context(d));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Context context(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        Expander x = new Expander(name);
        Map<String, String> env = new LinkedHashMap<>();
        Path envFile = dir.resolve("ENV");
        if (Files.exists(envFile)) {
            for (String line : Files.readAllLines(envFile)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    env.put(line.substring(0, eq), x.expand(line.substring(eq + 1)).content());
                }
            }
        }
        List<Text> texts = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            x.bindAll(Files.readString(f, StandardCharsets.UTF_8)); // a value may be used in a file sorted before its definition
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            if (rel.equals("ENV") || rel.equals("SOURCES.md")) {
                continue;
            }
            Text t = x.expand(Files.readString(f, StandardCharsets.UTF_8));
            boolean ws = rel.startsWith("workspace/");
            texts.add(new Text(ws ? rel.substring("workspace/".length()) : rel, t.content(), t.occurrences(), ws));
        }
        return new Context(name, env, texts);
    }

    /** Expands the markers of one context; names bind values across its files. */
    private static final class Expander {
        private final String context;
        private final Map<String, String> bound = new HashMap<>();

        Expander(String context) {
            this.context = context;
        }

        private static final java.util.regex.Pattern DEFINITION = java.util.regex.Pattern.compile("([a-z][a-z0-9_-]*):([A-Za-z_][A-Za-z0-9_]*)");

        /** Binds every {@code gen:NAME} in the template's markers. */
        void bindAll(String template) {
            int pos = 0;
            while (true) {
                int a = template.indexOf(OPEN, pos);
                int b = a < 0 ? -1 : template.indexOf(CLOSE, a);
                if (a < 0 || b < 0) {
                    return;
                }
                java.util.regex.Matcher m = DEFINITION.matcher(template.substring(a + 1, b));
                while (m.find()) {
                    String gen = m.group(1);
                    bound.computeIfAbsent(m.group(2), n -> generate(gen, new Random(seed(context + "/" + n))));
                }
                pos = b + 1;
            }
        }

        Text expand(String template) {
            StringBuilder sb = new StringBuilder(template.length() + 256);
            List<Occurrence> occ = new ArrayList<>();
            int pos = 0;
            while (true) {
                int a = template.indexOf(OPEN, pos);
                if (a < 0) {
                    sb.append(template, pos, template.length());
                    break;
                }
                int b = template.indexOf(CLOSE, a);
                if (b < 0) {
                    throw new IllegalArgumentException(context + ": unclosed marker at " + a);
                }
                sb.append(template, pos, a);
                String v = eval(template.substring(a + 1, b).strip());
                occ.add(new Occurrence(sb.length(), sb.length() + v.length(), v));
                sb.append(v);
                pos = b + 1;
            }
            return new Text("", sb.toString(), occ, false);
        }

        private String eval(String e) {
            int paren = e.indexOf('(');
            int colon = e.indexOf(':');
            if (paren > 0 && e.endsWith(")") && (colon < 0 || paren < colon)) {
                String f = e.substring(0, paren);
                String arg = eval(e.substring(paren + 1, e.length() - 1));
                return encode(f, arg);
            }
            if (colon > 0) {
                String gen = e.substring(0, colon);
                String name = e.substring(colon + 1);
                return bound.computeIfAbsent(name, n -> generate(gen, new Random(seed(context + "/" + n))));
            }
            String v = bound.get(e);
            if (v == null) {
                throw new IllegalArgumentException(context + ": " + e + " used before it was generated");
            }
            return v;
        }
    }

    private static long seed(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    static String encode(String f, String v) {
        if (f.startsWith("wrap@")) {
            String spec = f.substring(5);
            int plus = spec.indexOf('+');
            int w = Integer.parseInt(plus < 0 ? spec : spec.substring(0, plus));
            String indent = plus < 0 ? "" : " ".repeat(Integer.parseInt(spec.substring(plus + 1)));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < v.length(); i += w) {
                if (i > 0) {
                    sb.append('\n').append(indent);
                }
                sb.append(v, i, Math.min(v.length(), i + w));
            }
            return sb.toString();
        }
        if (f.startsWith("indent@")) {
            return v.replace("\n", "\n" + " ".repeat(Integer.parseInt(f.substring(7))));
        }
        if (f.startsWith("split@")) {
            int n = Integer.parseInt(f.substring(6));
            return v.substring(0, n) + "\n" + v.substring(n);
        }
        if (f.startsWith("pair@")) {
            return Base64.getEncoder().encodeToString((f.substring(5) + ":" + v).getBytes(StandardCharsets.UTF_8));
        }
        return switch (f) {
            case "b64" -> Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
            case "b64url" -> Base64.getUrlEncoder().withoutPadding().encodeToString(v.getBytes(StandardCharsets.UTF_8));
            case "url" -> URLEncoder.encode(v, StandardCharsets.UTF_8);
            case "json" -> KnownValues.jsonEscape(v);
            case "pemjson" -> v.replace("\n", "\\n") + "\\n"; // as in a service-account key file: the PEM and its last newline
            case "der" -> v.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
            default -> throw new IllegalArgumentException("unknown encoding " + f);
        };
    }

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String URLSAFE = ALNUM + "-_";

    private static String rnd(Random r, int n, String alphabet) {
        char[] c = new char[n];
        boolean digits = alphabet.chars().anyMatch(Character::isDigit);
        for (int i = 0; i < n; i++) {
            c[i] = alphabet.charAt(r.nextInt(alphabet.length()));
        }
        if (digits && n > 4 && new String(c).chars().noneMatch(Character::isDigit)) {
            c[n / 2] = (char) ('0' + r.nextInt(10)); // real tokens nearly always hold a digit
        }
        return new String(c);
    }

    private static String b64(Random r, int bytes) {
        byte[] b = new byte[bytes];
        r.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static String uuid(Random r) {
        return new java.util.UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /** A value of the given shape (vendor documentation, see {@link TokenScanner}). */
    static String generate(String gen, Random r) {
        String lower = "abcdefghijklmnopqrstuvwxyz0123456789";
        String hex = "0123456789abcdef";
        return switch (gen) {
            case "ghp" -> "ghp_" + rnd(r, 36, ALNUM);
            case "gho" -> "gho_" + rnd(r, 36, ALNUM);
            case "ghs" -> "ghs_" + rnd(r, 36, ALNUM);
            case "github_pat" -> "github_pat_11" + rnd(r, 20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + "_" + rnd(r, 59, ALNUM);
            case "glpat" -> "glpat-" + rnd(r, 20, URLSAFE);
            case "glrt" -> "glrt-" + rnd(r, 20, URLSAFE);
            case "xoxb" -> "xoxb-" + rnd(r, 12, "0123456789") + "-" + rnd(r, 13, "0123456789") + "-" + rnd(r, 24, ALNUM);
            case "xapp" -> "xapp-1-A" + rnd(r, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + "-" + rnd(r, 13, "0123456789") + "-" + rnd(r, 64, hex);
            case "slackhook" -> "T" + rnd(r, 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + "/B" + rnd(r, 10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + "/" + rnd(r, 24, ALNUM);
            case "openai" -> "sk-proj-" + rnd(r, 74, URLSAFE) + "T3BlbkFJ" + rnd(r, 74, URLSAFE);
            case "openai_legacy" -> "sk-" + rnd(r, 20, ALNUM) + "T3BlbkFJ" + rnd(r, 20, ALNUM);
            case "anthropic" -> "sk-ant-api03-" + rnd(r, 93, URLSAFE) + "AA";
            case "akia" -> "AKIA" + rnd(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
            case "asia" -> "ASIA" + rnd(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
            case "aws_secret" -> rnd(r, 40, ALNUM + "/+");
            case "aws_session" -> "IQoJb3JpZ2luX2VjE" + rnd(r, 300, ALNUM + "/+") + "==";
            case "aiza" -> "AIza" + rnd(r, 35, URLSAFE);
            case "gocspx" -> "GOCSPX-" + rnd(r, 28, URLSAFE);
            case "hvs" -> "hvs.CAESI" + rnd(r, 86, URLSAFE);
            case "hvb" -> "hvb.AAAAAQ" + rnd(r, 130, URLSAFE);
            case "vault_legacy" -> "s." + rnd(r, 24, ALNUM);
            case "dckr" -> "dckr_pat_" + rnd(r, 27, URLSAFE);
            case "tskey" -> "tskey-auth-k" + rnd(r, 10, ALNUM) + "CNTRL-" + rnd(r, 33, ALNUM);
            case "age" -> "AGE-SECRET-KEY-1" + rnd(r, 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L");
            case "cftunnel" -> Base64.getEncoder().encodeToString(("{\"a\":\"" + rnd(r, 32, hex) + "\",\"t\":\"" + uuid(r)
                    + "\",\"s\":\"" + b64(r, 32) + "\"}").getBytes(StandardCharsets.UTF_8));
            case "cftoken" -> rnd(r, 40, URLSAFE);
            case "cfglobal" -> rnd(r, 37, hex);
            case "jwt" -> jwt(r);
            case "stripe" -> "sk_live_51" + rnd(r, 97, ALNUM);
            case "whsec" -> "whsec_" + rnd(r, 32, ALNUM);
            case "sendgrid" -> "SG." + rnd(r, 22, URLSAFE) + "." + rnd(r, 43, URLSAFE);
            case "npm" -> "npm_" + rnd(r, 36, ALNUM);
            case "pypi" -> "pypi-AgEIcHlwaS5vcmc" + rnd(r, 150, URLSAFE);
            case "glsa" -> "glsa_" + rnd(r, 32, ALNUM) + "_" + rnd(r, 8, hex);
            case "discordtoken" -> rnd(r, 68, URLSAFE);
            case "hex32" -> rnd(r, 32, hex);
            case "sntrys" -> "sntrys_eyJpYXQiOjE3MzU2ODk2MDAuMCwidXJsIjoiaHR0cHM6Ly9zZW50cnkuaW8i" + rnd(r, 40, ALNUM) + "_" + rnd(r, 43, ALNUM);
            case "talostoken" -> rnd(r, 6, lower) + "." + rnd(r, 16, lower);
            case "b64key32" -> b64(r, 32);
            case "b64key16" -> b64(r, 16);
            case "hf" -> "hf_" + rnd(r, 34, ALNUM);
            case "dop" -> "dop_v1_" + rnd(r, 64, hex);
            case "telegram" -> rnd(r, 10, "0123456789") + ":AA" + rnd(r, 33, URLSAFE);
            case "uuid" -> uuid(r);
            case "pw" -> human(r);
            case "pwr" -> rnd(r, 1, ALNUM) + rnd(r, 23, ALNUM + "!#%*-_."); // a leading # or * means something else in YAML
            case "alnum20" -> rnd(r, 20, ALNUM);
            case "alnum32" -> rnd(r, 32, ALNUM);
            case "lower32" -> rnd(r, 32, lower);
            case "wgkey" -> b64(r, 32);
            case "pem-ec" -> pem(r, "EC", "EC PRIVATE KEY");
            case "pem-pkcs8ec" -> pem(r, "EC8", "PRIVATE KEY");
            case "pem-ed25519" -> pem(r, "Ed25519", "PRIVATE KEY");
            case "pem-rsa" -> pem(r, "RSA", "PRIVATE KEY");
            case "pem-rsa1" -> pem(r, "RSA1", "RSA PRIVATE KEY");
            case "pem-openssh" -> "-----BEGIN OPENSSH PRIVATE KEY-----\n" + wrapLines("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
                    + "QyNTUxOQAAACD" + rnd(r, 300, ALNUM + "+/") + "==", 70) + "\n-----END OPENSSH PRIVATE KEY-----";
            case "cert" -> "-----BEGIN CERTIFICATE-----\n" + wrapLines("MIIDBTCCAe2gAwIBAgIIU" + rnd(r, 1000, ALNUM + "+/") + "==", 64)
                    + "\n-----END CERTIFICATE-----";
            default -> throw new IllegalArgumentException("unknown generator " + gen);
        };
    }

    private static String human(Random r) {
        String[] words = {"Tr0ub4dor", "correct", "Horse", "battery", "Staple", "granite", "Walrus", "quasar", "Nimbus", "ember"};
        return words[r.nextInt(words.length)] + "!#%*-_.".charAt(r.nextInt(7)) + rnd(r, 6, ALNUM) + words[r.nextInt(words.length)];
    }

    private static String jwt(Random r) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"kid\":\"" + rnd(r, 43, URLSAFE) + "\"}";
        String payload = "{\"aud\":[\"https://kubernetes.default.svc.cluster.local\"],\"exp\":" + (1767225600 + r.nextInt(1_000_000))
                + ",\"iss\":\"https://kubernetes.default.svc.cluster.local\",\"sub\":\"system:serviceaccount:flux-system:source-controller\"}";
        return e.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + e.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + rnd(r, 342, URLSAFE);
    }

    private static final Map<String, KeyPair> KEYS = new TreeMap<>();

    /** A real private key, from a seeded generator (so the corpus is the same in every run). */
    private static synchronized String pem(Random r, String alg, String label) {
        long seed = r.nextLong();
        KeyPair kp;
        try {
            SecureRandom sr = SecureRandom.getInstance("SHA1PRNG");
            sr.setSeed(seed);
            KeyPairGenerator g;
            switch (alg) {
                case "EC", "EC8" -> {
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"), sr);
                }
                case "Ed25519" -> {
                    g = KeyPairGenerator.getInstance("Ed25519");
                    g.initialize(255, sr);
                }
                default -> {
                    g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(1024, sr); // size does not matter to redaction; 1024 keeps the corpus fast
                }
            }
            kp = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        byte[] der = kp.getPrivate().getEncoded(); // PKCS#8
        if (alg.equals("EC")) {
            der = sec1(der);
        } else if (alg.equals("RSA1")) {
            der = pkcs1(der);
        }
        return "-----BEGIN " + label + "-----\n" + wrapLines(Base64.getEncoder().encodeToString(der), 64) + "\n-----END " + label + "-----";
    }

    /** The SEC1 ECPrivateKey inside a PKCS#8 EC key (its OCTET STRING content). */
    private static byte[] sec1(byte[] pkcs8) {
        return innerOctets(pkcs8);
    }

    /** The PKCS#1 RSAPrivateKey inside a PKCS#8 RSA key. */
    private static byte[] pkcs1(byte[] pkcs8) {
        return innerOctets(pkcs8);
    }

    /** PKCS#8 = SEQUENCE { INTEGER, AlgorithmIdentifier, OCTET STRING key }: the key's bytes. */
    private static byte[] innerOctets(byte[] d) {
        int i = 1;
        i += lengthBytes(d, i);
        i += 3; // INTEGER 0
        int algLen = length(d, i + 1);
        i += 1 + lengthBytes(d, i + 1) + algLen;
        int octLen = length(d, i + 1);
        int start = i + 1 + lengthBytes(d, i + 1);
        return java.util.Arrays.copyOfRange(d, start, start + octLen);
    }

    private static int lengthBytes(byte[] d, int i) {
        int b = d[i] & 0xff;
        return b < 0x80 ? 1 : 1 + (b & 0x7f);
    }

    private static int length(byte[] d, int i) {
        int b = d[i] & 0xff;
        if (b < 0x80) {
            return b;
        }
        int n = 0;
        for (int k = 0; k < (b & 0x7f); k++) {
            n = (n << 8) | (d[i + 1 + k] & 0xff);
        }
        return n;
    }

    private static String wrapLines(String s, int w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i += w) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(s, i, Math.min(s.length(), i + w));
        }
        return sb.toString();
    }
}
