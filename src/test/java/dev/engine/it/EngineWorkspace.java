package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away git workspace for driving the real {@code engine} CLI as a separate process:
 * {@code ws/} is the git repository (and home, with context_map.yaml at its root), {@code bin/}
 * holds fake tools put first on PATH, and {@code run/} is scratch space outside the repository
 * where stage scripts drop pid files and tests drop release markers ({@code $IT_DIR} in stages).
 *
 * <p>Every engine started here is remembered, and {@link #close()} kills whatever is still alive,
 * including stage processes whose pid files are in {@code run/}.
 */
final class EngineWorkspace implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path ws;
    /** Where context_map.yaml and the runtime folders are: the workspace root, or ai/ in the v2 layout. */
    private Path home;
    private final Path bin;
    private final Path run;
    private final Path out;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<EngineProcess> started = new ArrayList<>();
    private int counter;

    private EngineWorkspace(Path root) throws IOException {
        this.root = root;
        this.ws = Files.createDirectories(root.resolve("ws"));
        this.home = ws;
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.run = Files.createDirectories(root.resolve("run"));
        this.out = Files.createDirectories(root.resolve("out"));
        // The engine passes its own environment to stages unchanged, so this is the stages' environment too.
        // Built from scratch: nothing from the developer's shell (an OPENAI_API_KEY, say) leaks in.
        env.put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", root.toString());
        env.put("LANG", "C.UTF-8");
        env.put("NO_COLOR", "1");
        env.put("IT_DIR", run.toString());
        // These tests watch a stage's processes from outside (pid files, kill, /proc), which a
        // sandbox's PID namespace renumbers and hides; containment itself is tested with the
        // sandbox on (sandboxed()).
        env.put("SANDBOX_BWRAP", "off");
    }

    /** A fresh workspace under {@code tempDir}: {@code git init} and the given context map; call {@link #commit()} once scripts are added. */
    static EngineWorkspace create(Path tempDir, String contextMap) throws IOException {
        EngineWorkspace w = new EngineWorkspace(tempDir);
        w.git("init", "-q", "-b", "main");
        w.write("context_map.yaml", contextMap);
        // The engine writes state/ and logs/ into the home; keep them out of `git status`.
        w.write(".gitignore", "state/\nlogs/\nescalations/\npatches/\n");
        return w;
    }

    /**
     * A workspace laid out as the bash loop left it (the v2 fixture): home {@code ai/}, its state
     * files tracked in git, no ignore rules for the runtime folders.
     */
    static EngineWorkspace createV2(Path tempDir, String contextMap) throws IOException {
        EngineWorkspace w = new EngineWorkspace(tempDir);
        w.home = w.ws.resolve("ai");
        w.git("init", "-q", "-b", "main");
        w.write("ai/context_map.yaml", contextMap);
        w.write("ai/master_memo.md", "# Homelab\n\n## Talos\n\nThree control-plane nodes.\n");
        w.write("ai/state/errors.json", "{}\n");
        w.write("ai/state/stage_status.json", "{}\n");
        w.write(".gitignore", ".env\n_out/\n");
        return w;
    }

    Path ws() {
        return ws;
    }

    Path run() {
        return run;
    }

    Path stateDir() {
        return home.resolve("state");
    }

    Path logsDir() {
        return home.resolve("logs");
    }

    /** Stages run in bubblewrap, as they do for users. */
    EngineWorkspace sandboxed() {
        env.remove("SANDBOX_BWRAP");
        return this;
    }

    EngineWorkspace env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Writes a file in the workspace (not yet committed). */
    EngineWorkspace write(String relative, String content) throws IOException {
        Path file = ws.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return this;
    }

    /** An executable bash script in the workspace, e.g. a stage's command. */
    EngineWorkspace script(String relative, String body) throws IOException {
        write(relative, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(ws.resolve(relative), PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /** A fake command-line tool (talosctl, kubectl...) on the engine's PATH. */
    EngineWorkspace fakeTool(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /** Commits everything, so the workspace looks like a real, clean GitOps checkout. */
    EngineWorkspace commit() {
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "fixture");
        return this;
    }

    // ---- running the engine ------------------------------------------------------------------

    /** Starts {@code engine <args>} in the workspace and returns at once. */
    EngineProcess start(String... args) {
        int n = ++counter;
        Path stdout = out.resolve("engine" + n + ".out");
        Path stderr = out.resolve("engine" + n + ".err");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // What the launcher uses: start-up speed matters more than peak speed for a CLI, and we start many.
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.engine.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(ws.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            EngineProcess p = new EngineProcess(pb.start(), List.of(args), stdout, stderr);
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code engine <args>} through the real launcher script (which takes the API keys out
     * of the environment), running the compiled classes instead of a jar.
     */
    EngineProcess startViaLauncher(String... args) {
        int n = ++counter;
        Path stdout = out.resolve("engine" + n + ".out");
        Path stderr = out.resolve("engine" + n + ".err");
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of(System.getProperty("user.dir"), "engine").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(ws.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("ENGINE_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("ENGINE_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        pb.environment().put("PATH", env.get("PATH") + ":" + Path.of(System.getProperty("java.home"), "bin"));
        try {
            EngineProcess p = new EngineProcess(pb.start(), List.of(args), stdout, stderr);
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code engine <args>} to the end (at most {@code timeout}). */
    EngineProcess runToEnd(Duration timeout, String... args) {
        EngineProcess p = start(args);
        p.waitFor(timeout);
        return p;
    }

    // ---- reading what the engine left behind -------------------------------------------------

    /** A state file as a JSON object; an absent file is an empty object, as the engine treats it. */
    ObjectNode stateFile(String name) {
        Path file = stateDir().resolve(name);
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stage's status in state/stage_status.json; "idle" when it has none, as the engine reads it. */
    String status(String stage) {
        return stateFile("stage_status.json").path(stage).asText("idle");
    }

    /** Every line of state/audit.jsonl, parsed (fails on a line that is not JSON). */
    List<JsonNode> audit() {
        Path file = stateDir().resolve("audit.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    events.add(JSON.readTree(line));
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Audit events named {@code event} for {@code stage}. */
    List<JsonNode> auditEvents(String stage, String event) {
        return audit().stream()
                .filter(e -> event.equals(e.path("event").asText()) && stage.equals(e.path("stage").asText(null)))
                .toList();
    }

    /** The attempt logs of a stage, oldest first (names sort by timestamp, then attempt). */
    List<Path> logs(String stage) {
        Path dir = logsDir().resolve(stage);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pid a stage script wrote to {@code $IT_DIR/<name>}, waiting for it to appear. */
    long awaitPid(String name, Duration timeout, EngineProcess engine) {
        Path file = run.resolve(name);
        Await.until(timeout, "pid file " + file, () -> Procs.readPid(file).isPresent(), engine::describe);
        return Procs.readPid(file).getAsLong();
    }

    /** Waits until the stage's status is {@code status} in state/stage_status.json. */
    void awaitStatus(String stage, String status, Duration timeout, EngineProcess engine) {
        Await.until(timeout, stage + " to be " + status, () -> status.equals(status(stage)), engine::describe);
    }

    String describeState() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.exists(stateDir()) ? Files.list(stateDir()) : Stream.empty()) {
            for (Path p : s.sorted().toList()) {
                sb.append("--- ").append(p.getFileName()).append(" ---\n");
                String text = Files.readString(p, StandardCharsets.UTF_8);
                sb.append(text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text).append('\n');
            }
        } catch (IOException e) {
            sb.append("(cannot list state: ").append(e).append(")\n");
        }
        return sb.toString();
    }

    // ---- plumbing ----------------------------------------------------------------------------

    /** Runs git in the workspace; fails the test on a non-zero exit; returns trimmed stdout. */
    String git(String... args) {
        GitResult r = gitResult(args);
        assertThat(r.exit()).as("git %s: %s", List.of(args), r.out() + r.err()).isZero();
        return r.out().strip();
    }

    record GitResult(int exit, String out, String err) {}

    GitResult gitResult(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", ws.toString()));
        cmd.addAll(List.of(args));
        try {
            Path errFile = Files.createTempFile(root, "git", ".err");
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("git %s finished", List.of(args)).isTrue();
            String err = Files.readString(errFile);
            Files.delete(errFile);
            return new GitResult(p.exitValue(), output, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Kills every engine still alive and every stage process whose pid a script recorded in
     * {@code run/*.pid} (only if it still runs sleep or bash, since pids are reused).
     */
    @Override
    public void close() {
        for (EngineProcess p : started) {
            if (p.isAlive()) {
                p.kill9();
            }
        }
        try (Stream<Path> s = Files.list(run)) {
            for (Path f : s.filter(f -> f.toString().endsWith(".pid")).toList()) {
                Procs.readPid(f).ifPresent(pid -> {
                    Procs.killIfRunning(pid, "sleep");
                    Procs.killIfRunning(pid, "bash");
                });
            }
        } catch (IOException e) {
            // nothing recorded
        }
    }
}
