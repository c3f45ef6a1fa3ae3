package dev.engine.cli;

import dev.engine.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Run an offline demo of the engine in a temporary workspace.",
            "",
            "The workspace is a temporary git repository with fake qm, talosctl and kubectl. The talos stage fails "
                    + "(wrong control plane port in a config file). The failures get one fingerprint although their "
                    + "noise differs; a demo executor looks twice and finds no fix; the engine escalates a redacted "
                    + "case file to a STAND-IN model (a loopback server replaying two recorded answers: a diagnostics "
                    + "request, one command of which is refused, then a patch). The patch is checked and committed to "
                    + "the AI branch, the stage re-runs against it and goes green, and `review` lists the commit for a "
                    + "human.",
            "",
            "It touches nothing outside the temporary folder and needs no network.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine demo",
            "  engine demo --keep      keep the workspace to look around in it",
        })
final class DemoCommand implements Callable<Integer> {
    private static final List<String> FILES = List.of(
            "context_map.yaml", "master_memo.md", "stages/vms.sh", "stages/talos.sh", "cluster/talos/controlplane.yaml");
    private static final List<String> TOOLS = List.of("qm", "talosctl", "kubectl", "demo-executor");

    @ParentCommand
    EngineCommand root;

    @Option(names = "--keep", description = "Keep the temporary workspace afterwards (its path is printed).")
    boolean keep;

    @Override
    public Integer call() throws IOException, GitAPIException {
        PrintStream out = root.ctx.out();
        Path base = Files.createTempDirectory("engine-demo-");
        try {
            Path ws = base.resolve("workspace");
            Path bin = base.resolve("fake-bin");
            Path demoState = base.resolve("fake-cluster-state");
            Files.createDirectories(demoState);
            for (String f : FILES) {
                copy("demo/" + f, ws.resolve(f));
            }
            for (String t : TOOLS) {
                copy("demo/bin/" + t, bin.resolve(t));
            }
            Files.writeString(ws.resolve(".gitignore"), "state/\nlogs/\nescalations/\npatches/\n");
            try (Git git = Git.init().setDirectory(ws.toFile()).setInitialBranch("main").call()) {
                git.add().addFilepattern(".").call();
                PersonIdent who = new PersonIdent("engine demo", "demo@localhost");
                git.commit().setMessage("demo homelab").setAuthor(who).setCommitter(who).setSign(false).call();
            }

            try (StandInModel model = new StandInModel(List.of(resource("demo/model/answer1.json"), resource("demo/model/answer2.json")))) {
                Map<String, String> env = new HashMap<>(root.ctx.env());
                // The user's own settings (a real model endpoint, another branch) must not leak into the demo.
                Settings.KEYS.forEach(k -> env.remove(k.envVar()));
                env.remove("EXECUTOR_API_KEY");
                env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
                env.put("CTRL_IP", "10.5.0.2");
                env.put("DEMO_STATE", demoState.toString());
                env.put("OPENAI_API_KEY", "sk-demo-not-a-real-key-0000000000000000");
                env.put("OPENAI_BASE_URL", model.baseUrl());
                env.put("OPENAI_MODEL", "stand-in");
                env.put("EXECUTOR_COMMAND", "demo-executor");
                env.put("EXECUTOR_ENV", "PATH,HOME,LANG");
                CliContext demo = new CliContext(env, ws, out, root.ctx.err(), root.ctx.clock(), root.ctx.interactive(),
                        false, root.ctx.cancellation());

                out.println("engine demo: an offline run in a temporary git workspace");
                out.println("  workspace " + ws);
                out.println("  fake qm, talosctl and kubectl on PATH: no cluster, no network");
                out.println("  THE MODEL IS A STAND-IN: a loopback server at " + model.baseUrl() + " replaying two recorded");
                out.println("  answers (a diagnostics request, then a patch). No real model is called.");
                out.println();
                int run = step(demo, "run", "all");
                step(demo, "status");
                step(demo, "review");
                step(demo, "audit", "--stage", "talos", "--tail", "14");
                showEscalations(ws, out);
                showRedaction(ws, out);
                out.println("What happened: every talos failure (different timestamps, pod names, durations) got one");
                out.println("fingerprint. Attempts 1 and 2 went to the executor, which found no fix. At attempt 3 the");
                out.println("engine escalated: it wrote a redacted case file (the machine token in controlplane.yaml");
                out.println("became a [REDACTED:...] placeholder), reserved the call in errors.json, and sent it to the");
                out.println("stand-in. The first answer asked for diagnostics: `talosctl version` ran without a shell,");
                out.println("`rm -rf /` was refused, and a v2 case carried both results. The second answer was a patch;");
                out.println("it passed every check and was committed to " + "ai/orchestrator-stage1" + " (main untouched).");
                out.println("The patch changed a data file, so the stage re-ran at once in its git clone of the AI branch");
                out.println("(sandboxed where bubblewrap works) and went green. " + model.served() + " model calls (budget 3). A patch to");
                out.println("a script would have waited for review instead (status: awaiting_review).");
                out.println("A human now runs `engine review approve <commit>` or `engine review reject <commit>`.");
                return run;
            }
        } finally {
            if (keep) {
                out.println("\nkept: " + base);
            } else {
                deleteTree(base);
            }
        }
    }

    private int step(CliContext demo, String... args) {
        List<String> shown = new ArrayList<>(List.of(args));
        root.ctx.out().println("$ engine " + String.join(" ", shown));
        int code = Main.execute(args, demo);
        root.ctx.out().println("(exit " + code + ")\n");
        return code;
    }

    private static void showEscalations(Path ws, PrintStream out) throws IOException {
        Path dir = ws.resolve("escalations");
        out.println("$ ls escalations/");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().forEach(n -> out.println("  " + n));
            }
        }
        out.println();
    }

    /** The lines of the first case file where redaction replaced a secret: what the model saw instead. */
    private static void showRedaction(Path ws, PrintStream out) throws IOException {
        out.println("$ grep REDACTED escalations/*_case_v1.md");
        try (Stream<Path> files = Files.list(ws.resolve("escalations"))) {
            for (Path p : files.filter(f -> f.toString().endsWith("_case_v1.md")).sorted().toList()) {
                Files.readAllLines(p).stream().filter(l -> l.contains("[REDACTED:")).distinct().limit(5)
                        .forEach(l -> out.println("  " + l.strip()));
            }
        }
        out.println();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("demo resource missing from the build: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("demo resource missing from the build: " + resource);
            }
            Files.createDirectories(target.getParent());
            Files.copy(in, target);
        }
        if (resource.endsWith(".sh") || resource.contains("/bin/")) {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
