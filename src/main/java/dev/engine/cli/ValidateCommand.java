package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.app.Wiring;
import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
import dev.engine.escalation.casefile.CaseSources;
import dev.engine.escalation.diagnostics.DiagnosticsPolicy;
import dev.engine.sandbox.Sandbox;
import dev.engine.stage.ssh.SshTarget;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {
            "Check configuration, tools and git state before a run.",
            "",
            "It checks context_map.yaml (every problem with file, line and field), settings, master_memo.md, the "
                    + "tools stages need on PATH (talosctl, kubectl, each stage command), the sandbox, the git state of "
                    + "the workspace and whether OPENAI_API_KEY is set (its value is never printed).",
            "",
            "Exit 0: fine (warnings allowed); 1: something a run would trip over; 2: configuration errors.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine validate",
            "  engine --workspace ~/homelab validate",
        })
final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Override
    public Integer call() throws IOException {
        PrintStream out = root.ctx.out();
        Session s;
        try {
            s = Sessions.open(root);
        } catch (ConfigException e) {
            out.println("configuration: " + e.problems().size() + " problem(s)");
            e.problems().forEach(p -> out.println("  error: " + p));
            return 2;
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        s.map().warnings().forEach(w -> warnings.add(w.toString()));
        out.println("home:      " + s.layout().home());
        out.println("workspace: " + s.layout().workspace());
        out.println("config:    " + s.map().stages().size() + " stages (" + String.join(", ", s.map().stageNames()) + ")");

        checkMemo(s, warnings);
        checkFiles(s, warnings);
        checkTools(s, errors, warnings);
        checkGit(s, out, warnings);
        Sandbox sandbox = Sandbox.locate(s.settings().sandboxBwrap(), root.ctx.env());
        SandboxReport.print(s, sandbox, out, root.interactive());
        warnings.addAll(SandboxReport.configWrites(s, sandbox, s.map().stages()));
        String key = root.ctx.env().get("OPENAI_API_KEY");
        boolean local = !s.settings().openaiBaseUrl().equals(Wiring.DEFAULT_OPENAI_URL);
        out.println("OPENAI_API_KEY: " + (key == null || key.isBlank()
                ? (local ? "not set (not needed by " + s.settings().openaiBaseUrl() + ")" : "not set (escalation unavailable)")
                : "set") + "; model " + s.settings().openaiModel() + " at " + s.settings().openaiBaseUrl());
        String kind = s.settings().effectiveExecutorKind();
        out.println("executor: " + kind + (kind.equals("command") ? " (" + s.settings().executorCommand().orElse("?") + ")"
                : kind.equals("openai") ? " (" + s.settings().executorModel().orElse("?") + " at " + s.settings().executorBaseUrl().orElse("?") + ")" : ""));
        if (kind.equals("command") && s.settings().executorCommand().isEmpty()) {
            errors.add("executor_kind is command but EXECUTOR_COMMAND is not set");
        }
        if (kind.equals("openai") && (s.settings().executorBaseUrl().isEmpty() || s.settings().executorModel().isEmpty())) {
            errors.add("executor_kind is openai but EXECUTOR_BASE_URL or EXECUTOR_MODEL is not set");
        }
        for (var st : s.map().stages()) {
            if (st.host().isPresent()) {
                try {
                    SshTarget.parse(st.host().get());
                } catch (IllegalArgumentException e) {
                    errors.add("stages." + st.name() + ".host: " + e.getMessage());
                }
            }
        }
        checkDiagnostics(s, errors);

        warnings.forEach(w -> out.println("  warning: " + w));
        errors.forEach(e -> out.println("  error: " + e));
        out.println(errors.isEmpty() ? "ok" + (warnings.isEmpty() ? "" : " (" + warnings.size() + " warning(s))")
                : errors.size() + " error(s)");
        return errors.isEmpty() ? 0 : 1;
    }

    /** A stage's own diagnostics keep the rules a model's request keeps (DESIGN.md §8): a forbidden form is an error. */
    private void checkDiagnostics(Session s, List<String> errors) {
        Path file = s.layout().contextMap();
        for (StageSpec st : s.map().stages()) {
            List<String> entries = st.diagnostics();
            for (int i = 0; i < entries.size(); i++) {
                for (DiagnosticsPolicy.Violation v : DiagnosticsPolicy.checkConfigured(entries.get(i), root.ctx.env())) {
                    errors.add(file + ": stages." + st.name() + ".diagnostics[" + i + "] (stage at line " + st.line() + ") '"
                            + entries.get(i) + "': " + v.message() + " [rule " + v.rule().id() + "]; remove the entry or rewrite it"
                            + " within the read-only rules");
                }
            }
        }
    }

    private void checkMemo(Session s, List<String> warnings) throws IOException {
        Path memo = s.layout().memo();
        if (!Files.isRegularFile(memo)) {
            warnings.add(memo + ": missing; case files will carry no architecture sections");
            return;
        }
        // One warning per name, naming every stage that lists it.
        Map<String, List<String>> stagesOf = new LinkedHashMap<>();
        for (StageSpec st : s.map().stages()) {
            st.architectureSections().forEach(sec -> stagesOf.computeIfAbsent(sec, k -> new ArrayList<>()).add(st.name()));
        }
        for (CaseSources.MissingSection m : CaseSources.missingSections(memo, List.copyOf(stagesOf.keySet()), s.map().sectionKeywords())) {
            String by = String.join(", ", stagesOf.get(m.name()).stream().map(n -> "stages." + n + ".architecture_sections").toList());
            warnings.add("master_memo.md: architecture section '" + m.name() + "' (" + by + ") has no heading in " + memo
                    + (m.selectedByKeywords().isEmpty()
                            ? (s.map().sectionKeywords().containsKey(m.name()) ? ", and its keywords match no section either" : "")
                                    + "; case files get nothing for it: add a '## " + capitalized(m.name()) + "' section or fix the name"
                            : "; case files show what its keywords select instead: " + String.join(", ", m.selectedByKeywords())));
        }
    }

    /** {@code files:} entries a case file will never show (a symlink is not followed): said here, not discovered in a case. */
    private void checkFiles(Session s, List<String> warnings) throws IOException {
        for (StageSpec st : s.map().stages()) {
            for (CaseSources.DroppedFile d : CaseSources.droppedFiles(s.layout().workspace(), st.files())) {
                warnings.add(s.layout().contextMap() + ": stages." + st.name() + ".files: '" + d.entry() + "' is left out of case files ("
                        + d.reason() + ")" + (d.reason().contains("symlink") ? "; list the file it points to instead" : "; fix the entry"));
            }
        }
    }

    private static String capitalized(String name) {
        return name.isEmpty() ? name : name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

    private void checkTools(Session s, List<String> errors, List<String> warnings) {
        for (String tool : List.of("talosctl", "kubectl")) {
            if (onPath(tool).isEmpty()) {
                warnings.add("tool not on PATH: " + tool);
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        for (StageSpec st : s.map().stages()) {
            String program = firstWord(st.command());
            if (!seen.add(program) || st.host().isPresent()) {
                continue;
            }
            if (program.contains("/")) {
                Path p = s.layout().workspace().resolve(program);
                if (!Files.isRegularFile(p)) {
                    errors.add("stages." + st.name() + ".command: " + program + " does not exist in the workspace");
                } else if (!Files.isExecutable(p)) {
                    errors.add("stages." + st.name() + ".command: " + program + " is not executable (chmod +x " + program + ")");
                }
            } else if (onPath(program).isEmpty() && !isShellWord(program)) {
                errors.add("stages." + st.name() + ".command: " + program + " is not on PATH");
            }
        }
    }

    private void checkGit(Session s, PrintStream out, List<String> warnings) {
        try (Git git = Git.open(s.layout().workspace().toFile())) {
            String branch = git.getRepository().getBranch();
            Status st = git.status().call();
            int dirty = st.getUncommittedChanges().size() + st.getUntracked().size();
            boolean ai = git.getRepository().resolve("refs/heads/" + s.settings().aiBranch()) != null;
            out.println("git:       on " + branch + ", " + (dirty == 0 ? "clean" : dirty + " uncommitted/untracked path(s)")
                    + ", AI branch " + s.settings().aiBranch() + (ai ? " exists" : " not created yet"));
        } catch (IOException | GitAPIException e) {
            warnings.add("git: cannot read the repository at " + s.layout().workspace() + ": " + e.getMessage());
        }
    }

    private Optional<Path> onPath(String program) {
        String path = root.ctx.env().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    private static String firstWord(String command) {
        String t = command.strip();
        int i = 0;
        while (i < t.length() && !Character.isWhitespace(t.charAt(i)) && t.charAt(i) != ';' && t.charAt(i) != '|') {
            i++;
        }
        return t.substring(0, i);
    }

    /** Builtins and keywords a command line may start with; they need no file on PATH. */
    private static boolean isShellWord(String w) {
        return Set.of("cd", "true", "false", "exit", "echo", "test", "[", "source", ".", "export", "set", "if", "for", "while", "env").contains(w)
                || w.contains("=");
    }
}
