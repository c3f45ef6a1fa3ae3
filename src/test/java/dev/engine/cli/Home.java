package dev.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A temporary workspace for driving the real CLI in-process: a git repository made with the git
 * CLI, a context_map.yaml, and a bin/ folder of fake tools put first on the stages' PATH.
 */
final class Home {
    final Path root;
    final Path ws;
    final Path bin;
    final Path scratch;
    final Map<String, String> env = new HashMap<>();

    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Home(Path root) throws IOException {
        this.root = root;
        this.ws = Files.createDirectories(root.resolve("ws"));
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.scratch = Files.createDirectories(root.resolve("scratch"));
        env.putAll(System.getenv());
        env.remove("OPENAI_API_KEY");
        env.remove("EXECUTOR_API_KEY");
        // The developer's own settings must not leak into a test.
        dev.engine.config.Settings.KEYS.forEach(k -> env.remove(k.envVar()));
        env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("SCRATCH", scratch.toString());
        // The fake tools of these tests leave their traces in $SCRATCH, outside the stage's clone,
        // where a sandbox would keep them from writing: containment has its own tests
        // (SandboxTest, ContainmentAttackTest, StageWorldTest), which run with it on.
        env.put("SANDBOX_BWRAP", "off");
    }

    /** A git workspace whose root holds {@code contextMap}. */
    static Home create(Path tmp, String contextMap) throws Exception {
        Home h = new Home(tmp);
        h.git("init", "-q", "-b", "main");
        h.write("context_map.yaml", contextMap);
        h.write(".gitignore", "state/\nlogs/\nescalations/\npatches/\n");
        h.commit("initial");
        return h;
    }

    void write(String rel, String text) throws IOException {
        Path p = ws.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    void script(String rel, String body) throws IOException {
        write(rel, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(ws.resolve(rel), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A fake tool on PATH, e.g. talosctl. */
    void tool(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    void commit(String message) throws Exception {
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", message);
    }

    String git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(ws.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    Result engine(String... args) {
        return engineIn(ws, args);
    }

    Result engineIn(Path cwd, String... args) {
        return engineWith(new dev.engine.stage.Cancellation(), cwd, args);
    }

    /** Runs with a cancellation the test holds, as SIGTERM would trigger it. */
    Result engineWith(dev.engine.stage.Cancellation cancellation, Path cwd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new CliContext(env, cwd, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), java.time.Clock.systemUTC(), false, false, cancellation));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    JsonNode state(String file) throws IOException {
        return new ObjectMapper().readTree(ws.resolve("state").resolve(file).toFile());
    }

    List<JsonNode> audit() throws IOException {
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(ws.resolve("state/audit.jsonl"))) {
            out.add(m.readTree(line));
        }
        return out;
    }

    List<JsonNode> audit(String stage, String event) throws IOException {
        return audit().stream().filter(n -> stage.equals(n.path("stage").asText()) && event.equals(n.path("event").asText())).toList();
    }

    List<Path> logs(String stage) throws IOException {
        Path dir = ws.resolve("logs").resolve(stage);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
