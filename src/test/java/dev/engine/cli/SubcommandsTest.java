package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class SubcommandsTest {
    @Test
    void each_registered_name_is_the_name_its_class_declares() {
        for (Map.Entry<String, Class<?>> e : Subcommands.ALL.entrySet()) {
            assertThat(e.getValue().getAnnotation(Command.class).name()).as(e.getValue().getSimpleName()).isEqualTo(e.getKey());
        }
    }

    @Test
    void the_named_subcommand_is_found_after_the_engines_own_options() {
        assertThat(Subcommands.named(new String[] {"status"})).contains("status");
        assertThat(Subcommands.named(new String[] {"--workspace", "/w", "--verbose", "run", "talos"})).contains("run");
        assertThat(Subcommands.named(new String[] {"--home=/h", "--no-color", "review", "list"})).contains("review");
        // a stage called like a subcommand is an argument, not the subcommand
        assertThat(Subcommands.named(new String[] {"run", "status"})).contains("run");
    }

    @Test
    void help_version_typos_and_no_subcommand_get_all_of_them() {
        assertThat(Subcommands.named(new String[] {})).isEmpty();
        assertThat(Subcommands.named(new String[] {"--help"})).isEmpty();
        assertThat(Subcommands.named(new String[] {"-V"})).isEmpty();
        assertThat(Subcommands.named(new String[] {"stauts"})).isEmpty();
        assertThat(Subcommands.named(new String[] {"--workspace"})).isEmpty();
    }

    @Test
    void usage_still_lists_every_subcommand_and_a_typo_is_still_suggested() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        CliContext ctx = CliContext.forTest(Map.of(), java.nio.file.Path.of("."), new java.io.PrintStream(out), new java.io.PrintStream(err));
        assertThat(Main.execute(new String[] {"--help"}, ctx)).isZero();
        for (String name : Subcommands.ALL.keySet()) {
            assertThat(out.toString()).contains("  " + name + " ");
        }
        assertThat(Main.execute(new String[] {"stauts"}, ctx)).isEqualTo(Main.USAGE);
        assertThat(err.toString()).contains("status");
    }
}
