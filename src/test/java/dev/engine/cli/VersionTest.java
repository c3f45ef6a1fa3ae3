package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `engine version`, `--version`, and -V after every command (it used to print nothing there and exit 0). */
class VersionTest {
    @Test
    void version_subcommand_prints_what_the_option_prints() {
        String[] option = run("--version");
        String[] command = run("version");
        assertThat(command[0]).isEqualTo("0");
        assertThat(command[1]).startsWith("engine ").contains("\njava ").isEqualTo(option[1]);
    }

    @Test
    void dash_v_after_any_command_prints_the_engines_version() {
        String expected = run("--version")[1];
        SoftAssertions soft = new SoftAssertions();
        for (List<String> path : paths()) {
            List<String> args = new ArrayList<>(path);
            args.add("-V");
            String[] r = run(args.toArray(String[]::new));
            soft.assertThat(r[0]).as("exit code of engine %s -V: %s", path, r[2]).isEqualTo("0");
            soft.assertThat(r[1]).as("engine %s -V", path).isEqualTo(expected);
        }
        soft.assertAll();
        assertThat(paths()).contains(List.of("status"), List.of("review", "approve"), List.of("patch", "check"));
    }

    private static List<List<String>> paths() {
        CommandLine root = new CommandLine(new EngineCommand(CliContext.forTest(Map.of(), Path.of("."), System.out, System.err)));
        Subcommands.register(root, new String[0]);
        List<List<String>> out = new ArrayList<>();
        walk(root, List.of(), out);
        return out;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            out.add(p);
            walk(sub, p, out);
        });
    }

    /** Exit code, stdout and stderr. */
    private static String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, CliContext.forTest(Map.of(), Path.of("."), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }
}
