package dev.engine.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * bubblewrap as the engine uses it: own PID and IPC namespaces (no view of the engine's
 * {@code /proc}, so no reading its environment or descriptors), the host file system read-only,
 * a private {@code /tmp}, the network kept (stages talk to the cluster), and the sandbox dies with
 * the engine. Whether it works here is found out once, by running {@code true} in it: a missing
 * binary and a kernel that refuses user namespaces both show up as "unavailable", with why.
 */
public final class Sandbox {
    /** Where, in the home's {@code state/}, a successful trial is remembered. */
    public static final String PROBE_FILE = "sandbox_probe";
    private final Optional<Path> bwrap;
    private final String missingWhy;
    private final Optional<ProbeCache> cache;
    private Optional<String> problem;

    private Sandbox(Optional<Path> bwrap, String missingWhy, Optional<ProbeCache> cache) {
        this.bwrap = bwrap;
        this.missingWhy = missingWhy;
        this.cache = cache;
    }

    /**
     * The same sandbox, remembering a successful trial run in {@code cacheFile} for later
     * processes of this boot (a trial costs a bubblewrap start, ~18 ms of every {@code engine run}).
     * Only success is remembered, under a key of everything that decides it (see {@link ProbeCache}).
     *
     * @param write false for read-only commands: they use a remembered result but never write one
     */
    public Sandbox rememberingTrialIn(Path cacheFile, boolean write) {
        return new Sandbox(bwrap, missingWhy, Optional.of(new ProbeCache(cacheFile, write)));
    }

    /**
     * @param program "bwrap" (looked up on {@code PATH} of {@code env}), a path to it, or "off"
     */
    public static Sandbox locate(String program, Map<String, String> env) {
        if (program == null || program.isBlank() || program.equals("off")) {
            return new Sandbox(Optional.empty(), "the sandbox is turned off (sandbox_bwrap: off)", Optional.empty());
        }
        Optional<Path> found = program.contains("/") ? Optional.of(Path.of(program)).filter(Files::isExecutable)
                : onPath(program, env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        if (found.isEmpty() && program.equals("bwrap")) {
            // PATH of a service or a test may be minimal; Debian puts it here.
            found = Optional.of(Path.of("/usr/bin/bwrap")).filter(Files::isExecutable);
        }
        return new Sandbox(found, "bubblewrap (" + program + ") is not installed; install the Debian package bubblewrap"
                + " (apt-get install bubblewrap)", Optional.empty());
    }

    /** A sandbox that is never available (for tests and for `sandbox: off` everywhere). */
    public static Sandbox unavailable(String why) {
        return new Sandbox(Optional.empty(), why, Optional.empty());
    }

    /** Empty when processes can be contained here; else why not and how to fix it. Probed once. */
    public synchronized Optional<String> problem() {
        if (problem == null) {
            problem = probe();
        }
        return problem;
    }

    public boolean available() {
        return problem().isEmpty();
    }

    private Optional<String> probe() {
        if (bwrap.isEmpty()) {
            return Optional.of(missingWhy);
        }
        Optional<String> key = cache.flatMap(c -> ProbeCache.key(bwrap.get(), base()));
        if (key.isPresent() && cache.get().holds(key.get())) {
            return Optional.empty();
        }
        Optional<String> found = trial();
        if (found.isEmpty() && key.isPresent()) {
            cache.get().remember(key.get());
        }
        return found;
    }

    /** Runs {@code sh -c 'exit 0'} in a sandbox: empty when it worked, else why not. */
    private Optional<String> trial() {
        List<String> argv = new ArrayList<>(base());
        argv.add("--");
        argv.add("/bin/sh");
        argv.add("-c");
        argv.add("exit 0");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(bwrap.get() + " did not finish a trial run within 20 s");
            }
            if (p.exitValue() != 0) {
                String said = new String(out, StandardCharsets.UTF_8).strip();
                return Optional.of(bwrap.get() + " cannot create a sandbox here (" + (said.isEmpty() ? "exit " + p.exitValue() : said)
                        + "); user namespaces may be disabled: check `sysctl kernel.unprivileged_userns_clone`"
                        + " / `user.max_user_namespaces`, or run the engine where bubblewrap works");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run " + bwrap.get() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while trying " + bwrap.get());
        }
    }

    /** The namespaces and mounts every sandbox starts from. */
    private List<String> base() {
        return new ArrayList<>(List.of(bwrap.get().toString(),
                "--die-with-parent", "--unshare-pid", "--unshare-ipc",
                "--ro-bind", "/", "/",
                "--dev", "/dev",
                "--proc", "/proc",
                "--tmpfs", "/tmp"));
    }

    /**
     * {@code argv} as it runs under {@code c}: wrapped in bubblewrap when a sandbox is wanted and
     * available, unchanged otherwise (the caller decides what may run uncontained: AI-changed code
     * never does, it waits for review).
     */
    public List<String> wrap(List<String> argv, Containment c, Path cwd) {
        if (!c.wanted() || !available()) {
            return argv;
        }
        List<String> out = base();
        // Real paths throughout: bubblewrap mounts on what a path resolves to, and a hidden folder
        // reached through a symlinked parent must still be the one hidden.
        // The read-only root already shows everything but the private /tmp: only what lies under
        // /tmp is bound again (each bind is a mount bubblewrap makes on every start).
        Set<String> shown = new LinkedHashSet<>();
        String tmp = real(Path.of("/tmp")).orElse("/tmp");
        for (Path v : c.visible()) {
            real(v).filter(p -> under(p, "/tmp") || under(p, tmp)).ifPresent(shown::add);
        }
        for (String p : shown) {
            out.add("--ro-bind");
            out.add(p);
            out.add(p);
        }
        List<String> hidden = new ArrayList<>();
        for (Path h : c.hidden()) {
            real(h).filter(p -> Files.isDirectory(Path.of(p), LinkOption.NOFOLLOW_LINKS)).ifPresent(p -> {
                out.add("--tmpfs");
                out.add(p);
                hidden.add(p);
            });
        }
        for (Path r : c.readOnly()) {
            real(r).ifPresent(p -> {
                out.add("--ro-bind");
                out.add(p);
                out.add(p);
            });
        }
        for (Path w : c.writable()) {
            real(w).ifPresent(p -> {
                out.add("--bind");
                out.add(p);
                out.add(p);
            });
        }
        // A hidden folder is an empty tmpfs: made read-only once what is shown inside it is mounted,
        // so nothing can be written there either (a write would vanish, but a stage must not be
        // told it reset the engine's counters).
        for (String h : hidden) {
            out.add("--remount-ro");
            out.add(h);
        }
        // TMPDIR may name a folder that is read-only in here; /tmp is the private writable one.
        out.add("--setenv");
        out.add("TMPDIR");
        out.add("/tmp");
        out.add("--chdir");
        out.add(real(cwd).orElse(cwd.toAbsolutePath().normalize().toString()));
        out.add("--");
        out.addAll(argv);
        return out;
    }

    /** What {@code validate} and {@code status} say about the sandbox. */
    public String describe() {
        return problem().map(p -> "unavailable: " + p).orElse("bubblewrap " + bwrap.map(Path::toString).orElse("?"));
    }

    private static boolean under(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir.endsWith("/") ? dir : dir + "/");
    }

    private static Optional<String> real(Path p) {
        try {
            return Optional.of(p.toRealPath().toString());
        } catch (IOException e) {
            return Optional.empty(); // nothing there to show; a missing path stays missing
        }
    }

    private static Optional<Path> onPath(String name, String path) {
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
