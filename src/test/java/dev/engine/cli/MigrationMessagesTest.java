package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, the messages a user migrating from the bash loop meets: its spellings either do what
 * they meant or say exactly what to type, and validate says what a case file will lack.
 */
class MigrationMessagesTest {
    static final String MAP = """
            stages:
              vms:
                command: "stages/vms.sh"
                files: [stages/vms.sh, cluster/]
                architecture_sections: [proxmox]
              talos:
                command: "talosctl health"
                files: [stages/vms.sh, talosconfig]
                architecture_sections: [talos, cloudflare, monitoring]
            architecture_section_keywords:
              monitoring: ["Prometheus", "Grafana"]
            """;
    static final String MEMO = "# Lab\n\n## Proxmox\n\nOne host.\n\n## Talos\n\nThree nodes.\n\n## Observability\n\n"
            + "Prometheus scrapes, Grafana shows.\n";

    @TempDir
    Path tmp;

    Home home() throws Exception {
        Home h = Home.create(tmp, MAP);
        h.script("stages/vms.sh", "echo vms ok");
        h.write("master_memo.md", MEMO);
        h.write("cluster/vm.yaml", "cores: 2\n");
        h.commit("lab");
        h.tool("talosctl", "echo 'error: connection refused' >&2; exit 1");
        return h;
    }

    @Test
    void run_stage_reset_resets_the_stage_and_says_how_to_run_it() throws Exception {
        Home h = home();
        h.engine("run", "talos");
        assertThat(h.state("stage_status.json").get("talos").asText()).as("no executor, no model").isEqualTo("give_up");
        int attempts = h.logs("talos").size();

        Home.Result r = h.engine("run", "talos", "--reset");

        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.all()).doesNotContain("unknown stage");
        assertThat(r.err()).contains("this is `engine reset talos`", "then run it with `engine run talos`");
        assertThat(h.state("stage_status.json").get("talos").asText()).isEqualTo("idle");
        assertThat(h.state("errors.json").size()).isZero();
        assertThat(h.audit("talos", "reset")).hasSize(1);
        assertThat(h.logs("talos")).as("the bash loop's --reset only reset: nothing ran").hasSize(attempts);
    }

    @Test
    void a_stage_typed_as_a_command_says_exactly_what_to_type() throws Exception {
        Home h = home();
        Home.Result r = h.engine("talos");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("'talos' is a stage, not a command; run it with `engine run talos`")
                .doesNotContain("Did you mean");
        assertThat(h.logs("talos")).as("nothing ran on a guess").isEmpty();

        Home.Result two = h.engine("--workspace", ".", "vms", "talos");
        assertThat(two.err()).contains("'vms talos' are stages", "`engine --workspace . run vms talos`");
        assertThat(h.engine("all").err()).contains("`engine run all`");
        // A typo of a command is still a typo of a command.
        Home.Result typo = h.engine("stauts");
        assertThat(typo.code()).isEqualTo(Main.USAGE);
        assertThat(typo.err()).contains("status").doesNotContain("is a stage");
        // A word that is neither gets picocli's own message.
        assertThat(h.engine("nonsense").err()).contains("nonsense").doesNotContain("is a stage");
    }

    @Test
    void a_stage_typed_as_a_command_is_found_in_a_v2_home_from_a_subdirectory() throws Exception {
        Home h = Home.create(tmp, "stages:\n  placeholder:\n    command: \"true\"\n");
        Files.delete(h.ws.resolve("context_map.yaml"));
        h.write("ai/context_map.yaml", "stages:\n  infra:\n    command: \"true\"\n");
        h.write("cluster/x.yaml", "x: 1\n");
        h.commit("v2");
        Home.Result r = h.engineIn(h.ws.resolve("cluster"), "infra");
        assertThat(r.err()).contains("'infra' is a stage", "`engine run infra`");
    }

    @Test
    void validate_warns_about_symlinked_files_entries_and_memo_sections_the_memo_lacks() throws Exception {
        Home h = home();
        Files.writeString(tmp.resolve("talosconfig.real"), "context: lab\n");
        Files.createSymbolicLink(h.ws.resolve("talosconfig"), tmp.resolve("talosconfig.real"));
        Files.createSymbolicLink(h.ws.resolve("cluster/linked.yaml"), h.ws.resolve("cluster/vm.yaml"));

        Home.Result r = h.engine("validate");

        assertThat(r.out()).contains("stages.talos.files: 'talosconfig' is left out of case files (symlink talosconfig is not followed);"
                + " list the file it points to instead");
        assertThat(r.out()).contains("stages.vms.files: 'cluster/linked.yaml' is left out of case files (symlink is not followed)");
        assertThat(r.out()).doesNotContain("'cluster/vm.yaml' is left out", "'stages/vms.sh' is left out");
        // No heading, no keywords: the case gets nothing for it.
        assertThat(r.out()).contains("master_memo.md: architecture section 'cloudflare' (stages.talos.architecture_sections) has no heading",
                "case files get nothing for it: add a '## Cloudflare' section or fix the name");
        // No heading, but its keywords find a section.
        assertThat(r.out()).contains("architecture section 'monitoring' (stages.talos.architecture_sections) has no heading",
                "case files show what its keywords select instead: Observability");
        assertThat(r.out()).doesNotContain("section 'talos'", "section 'proxmox'");
        assertThat(r.code()).as(r.all()).isZero();
    }

    @Test
    void reset_args_read_run_reset_as_reset_and_leave_other_lines_alone() {
        assertThat(ResetArgs.rewrite(new String[] {"run", "talos", "--reset"})).containsExactly("reset", "talos");
        assertThat(ResetArgs.rewrite(new String[] {"--home", "ai", "run", "--reset", "talos"})).containsExactly("--home", "ai", "reset", "talos");
        assertThat(ResetArgs.note(new String[] {"--home", "ai", "run", "--reset", "talos"})).hasValueSatisfying(n ->
                assertThat(n).contains("`engine --home ai reset talos`", "`engine --home ai run talos`"));
        assertThat(ResetArgs.note(new String[] {"talos", "--reset"})).isEmpty();
        assertThat(ResetArgs.note(new String[] {"run", "talos"})).isEmpty();
        assertThat(ResetArgs.note(new String[] {"run", "--reset"})).as("no stage: picocli says what is missing").isEmpty();
        assertThat(ResetArgs.rewrite(new String[] {"run", "talos"})).containsExactly("run", "talos");
    }
}
