package dev.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
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
            "A self-contained offline demo in a temporary git workspace with fake qm/talosctl/kubectl:",
            "the talos stage fails twice (etcd not ready, with different timestamps, addresses and pod",
            "names each time), the engine gives both failures one fingerprint and retries, the stage",
            "goes green, then `status` and `audit` show what happened. Touches nothing outside the",
            "temporary folder and needs no network.",
        })
final class DemoCommand implements Callable<Integer> {
    private static final List<String> FILES = List.of(
            "context_map.yaml", "master_memo.md", "stages/vms.sh", "stages/talos.sh");
    private static final List<String> TOOLS = List.of("qm", "talosctl", "kubectl");

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

            Map<String, String> env = new HashMap<>(root.ctx.env());
            env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
            env.put("CTRL_IP", "10.5.0.2");
            env.put("DEMO_STATE", demoState.toString());
            env.remove("OPENAI_API_KEY"); // the demo never talks to a real model
            CliContext demo = new CliContext(env, ws, out, root.ctx.err(), root.ctx.clock(), root.ctx.interactive(),
                    false, root.ctx.cancellation());

            out.println("engine demo: an offline run in a temporary git workspace");
            out.println("  workspace " + ws);
            out.println("  fake qm, talosctl and kubectl on PATH: no cluster, no network, no model");
            out.println();
            int run = step(demo, "run", "all");
            step(demo, "status");
            step(demo, "audit", "--stage", "talos", "--tail", "12");
            out.println("What happened: both failures of `talosctl health` got one fingerprint although their");
            out.println("timestamps, addresses, pod names and durations differ, so they counted as attempts 1 and 2");
            out.println("of the same error; the engine re-ran the stage (no executor is configured in the demo) and");
            out.println("the third attempt passed its success check (`kubectl get nodes`).");
            out.println("Not in this demo yet: the executor, AI-branch patches and model escalation.");
            return run;
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
