package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `engine completion bash|zsh|fish`, each script loaded in the real shell and asked for
 * completions the way the shell asks when TAB is pressed. A missing shell skips its test on a
 * developer's machine and fails it in CI (CI=true), where .ci/run installs bash, zsh and fish.
 */
class CompletionTest {
    @TempDir
    Path tmp;
    Home home;
    Path scripts;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp.resolve("h"), """
                stages:
                  vms:
                    command: "true"
                  talos:
                    command: "true"
                """);
        scripts = Files.createDirectories(tmp.resolve("scripts"));
        for (String shell : CompletionCommand.SHELLS) {
            Home.Result r = home.engine("completion", shell);
            assertThat(r.code()).as(r.all()).isZero();
            Files.writeString(scripts.resolve("engine." + shell), r.out());
        }
    }

    @Test
    void an_unknown_shell_is_a_usage_error_naming_the_ones_there_are() {
        Home.Result r = home.engine("completion", "powershell");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("'powershell'").contains("bash, zsh or fish");
    }

    @Test
    void bash_registers_the_function_and_completes_commands_subcommands_and_option_values() throws Exception {
        requireShell("bash");
        Path script = scripts.resolve("engine.bash");
        assertThat(run(List.of("bash", "-n", script.toString()), Map.of()).code).isZero();
        assertThat(bash("source <(cat " + script + "); complete -p engine").out).contains("-F _complete_engine").endsWith("engine\n");
        assertThat(bashComplete(script, "engine", "st")).containsExactly("status");
        assertThat(bashComplete(script, "engine", "")).contains("run", "status", "report", "completion", "version", "review");
        assertThat(bashComplete(script, "engine", "review", "")).containsExactlyInAnyOrder("list", "show", "approve", "reject");
        assertThat(bashComplete(script, "engine", "status", "-o", "")).containsExactly("table", "wide", "json", "yaml");
        assertThat(bashComplete(script, "engine", "completion", "")).containsExactly("bash", "zsh", "fish");
        // A hidden option (watch --max-cycles, for tests) is not offered.
        assertThat(bashComplete(script, "engine", "watch", "--")).contains("--interval").doesNotContain("--max-cycles");
    }

    @Test
    void zsh_loads_the_script_through_bashcompinit_and_completes_the_same() throws Exception {
        requireShell("zsh");
        Path script = scripts.resolve("engine.zsh");
        Map<String, String> env = Map.of("HOME", tmp.toString(), "ZDOTDIR", tmp.toString());
        Run registered = run(List.of("zsh", "-fc", "source " + script + " 2>/dev/null; print -r -- ${_comps[engine]}"), env);
        assertThat(registered.out).contains("_bash_complete -F _complete_engine");
        // What zsh's _bash_complete does on TAB: the bash arrays, 0-based, then the function.
        Run reply = run(List.of("zsh", "-fc", "source " + script + " 2>/dev/null; setopt ksharrays; "
                + "COMP_WORDS=(engine review ''); COMP_CWORD=2; COMP_LINE='engine review '; COMP_POINT=${#COMP_LINE}; "
                + "_complete_engine engine '' review 2>/dev/null; print -l -- \"${COMPREPLY[@]}\""), env);
        assertThat(reply.out.lines()).containsExactlyInAnyOrder("list", "show", "approve", "reject");
    }

    @Test
    void fish_completes_commands_options_values_and_the_stages_engine_status_lists() throws Exception {
        requireShell("fish");
        Path script = scripts.resolve("engine.fish");
        // `engine` on PATH for the script's helpers: a launcher for this build's classes.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path launcher = bin.resolve("engine");
        Files.writeString(launcher, "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path")
                + "' dev.engine.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new HashMap<>(home.env);
        env.put("PATH", bin + File.pathSeparator + home.env.get("PATH"));
        env.put("HOME", tmp.toString());
        env.put("XDG_CONFIG_HOME", tmp.resolve("config").toString());

        assertThat(fish(script, env, "engine ")).contains("status", "report", "review", "completion", "version")
                .doesNotContain("list");
        assertThat(fish(script, env, "engine status -o ")).containsExactly("json", "table", "wide", "yaml");
        assertThat(fish(script, env, "engine --workspace /tmp review ")).containsExactly("approve", "list", "reject", "show");
        assertThat(fish(script, env, "engine review -o json ")).containsExactly("approve", "list", "reject", "show");
        assertThat(fish(script, env, "engine review list --n")).containsExactly("--no-color", "--no-headers");
        assertThat(fish(script, env, "engine watch --")).contains("--interval", "--listen", "--home").doesNotContain("--max-cycles");
        assertThat(fish(script, env, "engine run ")).containsExactly("all", "talos", "vms");
        assertThat(fish(script, env, "engine report ")).containsExactly("talos", "vms");
    }

    private List<String> fish(Path script, Map<String, String> env, String line) throws Exception {
        Run r = run(List.of("fish", "--no-config", "-c", "source " + script + "; complete -C '" + line + "'"), env);
        assertThat(r.err).as(r.err).doesNotContain("fish: ");
        return r.out.lines().map(l -> l.split("\t", 2)[0]).sorted().toList();
    }

    private Run bash(String command) throws Exception {
        return run(List.of("bash", "-c", command), Map.of());
    }

    /** What bash puts in COMPREPLY when TAB is pressed after {@code words} (the last one is being typed). */
    private List<String> bashComplete(Path script, String... words) throws Exception {
        StringBuilder arr = new StringBuilder();
        for (String w : words) {
            arr.append(" '").append(w).append("'");
        }
        String line = String.join(" ", words);
        String cmd = "source " + script + " 2>/dev/null; COMP_WORDS=(" + arr + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_engine engine '" + words[words.length - 1]
                + "' '" + words[words.length - 2] + "' 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        return bash(cmd).out.lines().filter(l -> !l.isEmpty()).toList();
    }

    record Run(int code, String out, String err) {}

    private Run run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).directory(home.ws.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not end within 120s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void requireShell(String shell) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, shell));
        }
        if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(shell + " is not installed; .ci/run installs it");
        }
        Assumptions.assumeTrue(found, shell + " is not installed");
    }
}
