package dev.engine.redact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Texts without secrets (stage scripts, manifests, logs and command output of a homelab, plus the
 * v2-homelab fixture when it is present) and how many of their lines the redactor changes: every
 * changed line is a false positive.
 */
public final class CleanCorpus {
    public static final String ROOT = "/redact/clean";
    /** The shared fixture of the real v2 homelab layout; read when present, skipped otherwise. */
    public static final Path V2_HOMELAB = Path.of(System.getProperty("engine.v2homelab", "/work/shared/fixtures/v2-homelab"));

    public record Doc(Path root, String path, String text) {}

    /** One changed line: where, and what the redactor made of it. */
    public record Change(String path, int line, String before, String after) {}

    public record Result(int files, int lines, List<Change> changes) {
        public double share() {
            return lines == 0 ? 0 : (double) changes.size() / lines;
        }
    }

    private CleanCorpus() {}

    public static Path resourceRoot() {
        URL url = CleanCorpus.class.getResource(ROOT);
        if (url == null) {
            throw new IllegalStateException("clean corpus not on the test classpath: " + ROOT);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Doc> load() {
        List<Doc> docs = new ArrayList<>(read(resourceRoot()));
        if (Files.isDirectory(V2_HOMELAB)) {
            docs.addAll(read(V2_HOMELAB));
        }
        return docs;
    }

    private static List<Doc> read(Path root) {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                byte[] b = Files.readAllBytes(f);
                if (new String(b, 0, Math.min(b.length, 4096), StandardCharsets.ISO_8859_1).indexOf('\0') >= 0) {
                    continue;
                }
                docs.add(new Doc(root, root.relativize(f).toString().replace('\\', '/'), new String(b, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /**
     * Redacts every document the way the engine would: a redactor that knows what the corpus's own
     * files hold (collected as from a workspace), each file under its path.
     */
    public static Result measure(List<Doc> docs, byte[] key) throws IOException {
        KnownSecrets known = KnownSecrets.none();
        for (Path root : docs.stream().map(Doc::root).distinct().toList()) {
            known = known.plus(KnownSecrets.collect(root, Map.of()));
        }
        Redactor r = Redactor.create(key, known);
        int lines = 0;
        List<Change> changes = new ArrayList<>();
        for (Doc d : docs) {
            String out = r.redactFile(d.path(), d.text());
            String[] in = d.text().split("\n", -1);
            String[] got = out.split("\n", -1);
            lines += in.length - (d.text().endsWith("\n") ? 1 : 0);
            for (int i = 0; i < Math.min(in.length, got.length); i++) {
                if (!in[i].equals(got[i])) {
                    changes.add(new Change(d.path(), i + 1, in[i], got[i]));
                }
            }
        }
        return new Result(docs.size(), lines, changes);
    }
}
