package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The --help of every registered command, walked from the command tree, so a command added later
 * is held to the same conventions: a one-line header that is one whole sentence (it is what
 * `engine --help` lists), no description line cut mid-sentence, and an Examples section whose
 * lines fit 80 columns.
 */
class HelpConventionsTest {
    /** Room for the header in `engine --help`'s command list at 80 columns: "  completion  " takes 14. */
    private static final int HEADER_MAX = 64;
    private static final Pattern ENDS_A_SENTENCE = Pattern.compile(".*[.:!?][)\"'`]*$");
    /** A full stop inside the header: a second sentence (abbreviations like "e.g." do not count). */
    private static final Pattern SECOND_SENTENCE = Pattern.compile("(?<!\\be\\.g|\\bi\\.e)\\.\\s+\\S");

    record Cmd(List<String> path, CommandSpec spec) {
        String name() {
            return String.join(" ", path);
        }
    }

    private static List<Cmd> commands() {
        CommandLine root = new CommandLine(new EngineCommand(context(new ByteArrayOutputStream(), new ByteArrayOutputStream())));
        Subcommands.register(root, new String[0]);
        List<Cmd> out = new ArrayList<>();
        walk(root, new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cl, List<String> path, List<Cmd> out) {
        out.add(new Cmd(List.copyOf(path), cl.getCommandSpec()));
        cl.getSubcommands().forEach((name, sub) -> {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            walk(sub, p, out);
        });
    }

    @Test
    void every_command_is_walked() {
        assertThat(commands().stream().map(Cmd::name)).contains("", "status", "review", "review approve", "patch check",
                "completion", "version", "report").hasSizeGreaterThan(Subcommands.ALL.size());
    }

    @Test
    void every_header_is_one_whole_sentence_that_fits_the_command_list() {
        SoftAssertions soft = new SoftAssertions();
        for (Cmd c : commands()) {
            String[] d = c.spec().usageMessage().description();
            soft.assertThat(d).as("description of '%s'", c.name()).isNotEmpty();
            if (d.length == 0) {
                continue;
            }
            String header = d[0];
            soft.assertThat(header).as("header of '%s'", c.name()).matches(ENDS_A_SENTENCE).doesNotContainPattern(SECOND_SENTENCE);
            if (!c.path().isEmpty()) {
                soft.assertThat(header.length()).as("length of the header of '%s': %s", c.name(), header).isLessThanOrEqualTo(HEADER_MAX);
            }
            soft.assertThat(d.length == 1 || d[1].isBlank()).as("a blank line after the header of '%s'", c.name()).isTrue();
        }
        soft.assertAll();
    }

    @Test
    void no_description_line_ends_mid_sentence() {
        SoftAssertions soft = new SoftAssertions();
        for (Cmd c : commands()) {
            for (String line : c.spec().usageMessage().description()) {
                if (!line.isBlank()) {
                    soft.assertThat(line).as("a description line of '%s'", c.name()).matches(ENDS_A_SENTENCE);
                }
            }
            List<ArgSpec> args = new ArrayList<>(c.spec().options());
            args.addAll(c.spec().positionalParameters());
            for (ArgSpec a : args) {
                if (a.inherited() || a.hidden()) {
                    continue;
                }
                for (String line : a.description()) {
                    soft.assertThat(line).as("'%s' %s", c.name(), a.paramLabel()).matches(ENDS_A_SENTENCE);
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void every_help_ends_with_examples_of_that_command_that_fit_80_columns() {
        SoftAssertions soft = new SoftAssertions();
        for (Cmd c : commands()) {
            List<String> args = new ArrayList<>(c.path());
            args.add("--help");
            String help = help(args.toArray(String[]::new));
            int at = help.indexOf("\nExamples:\n");
            soft.assertThat(at).as("an Examples section in `engine %s --help`", c.name()).isPositive();
            if (at < 0) {
                continue;
            }
            List<String> examples = help.substring(at + "\nExamples:\n".length()).lines().takeWhile(l -> !l.isBlank()).toList();
            soft.assertThat(examples).as("examples of '%s'", c.name())
                    .anySatisfy(l -> assertThat(l).startsWith("  engine " + c.name()));
            for (String l : examples) {
                soft.assertThat(l.length()).as("example line of '%s' (80 columns): %s", c.name(), l).isLessThanOrEqualTo(80);
            }
            for (String l : c.spec().usageMessage().footer()) {
                soft.assertThat(l.length()).as("footer line of '%s' (80 columns): %s", c.name(), l).isLessThanOrEqualTo(80);
            }
        }
        soft.assertAll();
    }

    @Test
    void engine_help_lists_each_command_with_its_whole_header_on_one_line() {
        String help = help("--help");
        SoftAssertions soft = new SoftAssertions();
        for (Cmd c : commands()) {
            if (c.path().size() != 1) {
                continue;
            }
            String header = c.spec().usageMessage().description()[0];
            soft.assertThat(help).as("the line of '%s' in engine --help", c.name())
                    .containsPattern("(?m)^  " + Pattern.quote(c.name()) + " +" + Pattern.quote(header) + "$");
        }
        soft.assertAll();
        assertThat(help).contains("Exit codes:").contains("--reset");
    }

    private static String help(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, context(out, err));
        assertThat(code).as(String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static CliContext context(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return CliContext.forTest(Map.of(), Path.of("."), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
