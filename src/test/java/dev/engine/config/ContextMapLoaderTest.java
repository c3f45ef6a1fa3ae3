package dev.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextMapLoaderTest {
    @TempDir
    Path dir;

    private static Path fixture() throws URISyntaxException {
        return Path.of(ContextMapLoaderTest.class.getResource("/config/context_map.yaml").toURI());
    }

    @Test
    void ownFixtureLoadsWithEveryField() throws Exception {
        ContextMap map = ContextMapLoader.load(fixture());

        assertThat(map.stageNames()).containsExactly("network", "k3s", "storage", "apps");
        assertThat(map.warnings()).isEmpty();

        StageSpec network = map.stage("network").orElseThrow();
        assertThat(network.description()).isEqualTo("Router and VLAN configuration");
        assertThat(network.command()).isEqualTo("infra/network/apply.sh");
        assertThat(network.host()).contains("admin@router.lab:2222");
        assertThat(network.timeout()).contains(Duration.ofMinutes(5));
        assertThat(network.files()).containsExactly("infra/network/apply.sh", "infra/network/vlans/");
        assertThat(network.architectureSections()).containsExactly("network");
        assertThat(network.successCriteria()).containsExactly("VLANs 10 and 20 exist");
        assertThat(network.successChecks()).containsExactly("ping -c1 10.0.10.1");
        assertThat(network.diagnostics()).containsExactly("ip -br addr");
        assertThat(network.dependsOn()).isEmpty();
        assertThat(network.line()).isEqualTo(5);

        StageSpec k3s = map.stage("k3s").orElseThrow();
        assertThat(k3s.command()).isEqualTo("infra/k3s/install.sh --node ${NODE_IP}");
        assertThat(k3s.dependsOn()).containsExactly("network", "storage");
        assertThat(k3s.timeout()).contains(Duration.ofMinutes(90));
        assertThat(k3s.successChecks()).containsExactly("kubectl --kubeconfig ${KUBECONFIG} get nodes");
        assertThat(k3s.diagnostics()).containsExactly("journalctl -u k3s --no-pager | tail -50", "kubectl get pods -A");

        StageSpec storage = map.stage("storage").orElseThrow();
        assertThat(storage.description()).isEqualTo("ZFS pool and NFS export");
        assertThat(storage.command()).isEqualTo("infra/storage/zfs.sh");
        assertThat(storage.host()).isEmpty();
        assertThat(storage.timeout()).isEmpty();
        assertThat(storage.diagnostics()).as("'diagnostics:' with nothing is an empty list").isEmpty();
        assertThat(map.stage("apps").orElseThrow().diagnostics()).as("no diagnostics key").isEmpty();

        assertThat(map.protectedFiles()).containsExactly("ai/context_map.yaml", "ai/master_memo.md", "infra/network/wipe.sh");
        assertThat(map.sectionKeywords()).containsOnlyKeys("network", "kubernetes", "storage");
        assertThat(map.sectionKeywords().keySet()).containsExactly("network", "kubernetes", "storage");
        assertThat(map.sectionKeywords().get("storage")).containsExactly("ZFS", "NFS");
        assertThat(map.engineBlock()).containsEntry("executor_retry_threshold", "4")
                .containsEntry("ai_branch", "ai/lab-run").containsEntry("stage_timeout", "45m");
        assertThat(map.engineLine("api_call_budget")).isEqualTo(81);
        assertThat(map.engineLine("not_there")).isZero();
    }

    @Test
    void sharedV2FixtureLoadsUnchanged() throws Exception {
        Path shared = Path.of("../shared/fixtures/v2-homelab/context_map.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(shared), "shared v2 fixture not present: " + shared.toAbsolutePath());

        ContextMap map = ContextMapLoader.load(shared);

        assertThat(map.stageNames()).containsExactly("vms", "talos", "infra", "apps", "ingress", "obs");
        assertThat(map.warnings()).isEmpty();
        assertThat(map.stage("vms").orElseThrow().diagnostics()).isEmpty();
        assertThat(map.stage("talos").orElseThrow().diagnostics()).contains("talosctl --nodes ${CTRL_IP} health");
        assertThat(map.stage("apps").orElseThrow().files()).contains("cluster/kubernetes/apps/");
        assertThat(map.protectedFiles()).contains("ai/context_map.yaml");
        assertThat(map.sectionKeywords()).containsKey("observability");
        assertThat(map.engineBlock()).isEmpty();
        assertThat(map.inDependencyOrder()).extracting(StageSpec::name).containsExactlyElementsOf(map.stageNames());
    }

    @Test
    void missingFileIsAProblemNotACrash() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> ContextMapLoader.load(missing));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(missing);
            assertThat(p.message()).contains("file not found");
        });
    }

    @Test
    void syntaxErrorNamesTheLine() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: "x"
                    files: [unclosed
                """);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).message()).startsWith("YAML syntax error");
        assertThat(e.problems().get(0).line()).isBetween(4, 5);
        assertThat(e.getMessage()).startsWith("context_map.yaml:");
    }

    @Test
    void syntaxErrorFromBadIndentation() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                   bad: indentation
                """);
        assertThat(e.problems().get(0).line()).isEqualTo(4);
    }

    @Test
    void duplicateKeysAreReportedWithBothLines() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                    command: y
                """);
        assertThat(e.problems()).extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(tuple(4, "stages.a.command"));
        assertThat(e.problems().get(0).message()).contains("duplicate key").contains("line 3");
    }

    @Test
    void duplicateStageNamesAreReported() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                  a:
                    command: y
                """);
        assertThat(e.problems()).extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(tuple(4, "stages.a"));
    }

    @Test
    void emptyFileAndNonMappingTopLevel() {
        assertThat(Yamls.failure(dir, "").problems().get(0).message()).contains("empty");
        ConfigException list = Yamls.failure(dir, "- a\n- b\n");
        assertThat(list.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).contains("expected a mapping").contains("a list");
        });
    }

    @Test
    void engineProtectedAddsToTheProtectedFiles() throws ConfigException {
        ContextMap map = Yamls.load(dir, """
                stages:
                  a:
                    command: "true"
                protected_files: [infra/network/wipe.sh]
                engine:
                  api_call_budget: 2
                  protected: [cluster/, .terraform.lock.hcl]
                """);
        assertThat(map.protectedFiles()).containsExactly("infra/network/wipe.sh", "cluster/", ".terraform.lock.hcl");
        assertThat(map.engineBlock()).containsOnlyKeys("api_call_budget");
        assertThat(map.warnings()).isEmpty();
        assertThat(Yamls.failure(dir, "stages:\n  a:\n    command: \"true\"\nengine:\n  protected: cluster/\n").problems())
                .extracting(ConfigProblem::field).containsExactly("engine.protected");
    }

    @Test
    void stagesMissingEmptyOrWrongType() {
        assertThat(Yamls.failure(dir, "protected_files: []\n").problems())
                .extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(tuple("stages", 1));
        assertThat(Yamls.failure(dir, "x: 1\nstages:\n").problems())
                .extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(tuple("stages", 2));
        assertThat(Yamls.failure(dir, "stages: {}\n").problems().get(0).message()).contains("no stages");
        ConfigException list = Yamls.failure(dir, "\nstages:\n  - a\n  - b\n");
        assertThat(list.problems()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(tuple("stages", 3));
        assertThat(list.problems().get(0).message()).contains("expected a mapping");
    }

    @Test
    void stageThatIsNotAMapping() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a: "run.sh"
                  b:
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line)
                .containsExactly(tuple("stages.a", 2), tuple("stages.b", 3));
    }

    @Test
    void commandMissingBlankOrNotText() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  missing:
                    description: no command here
                  blank:
                    command: "   "
                  number:
                    command: 42
                  list:
                    command: [a, b]
                  empty:
                    command:
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("stages.missing.command", 2),
                tuple("stages.blank.command", 5),
                tuple("stages.number.command", 7),
                tuple("stages.list.command", 9),
                tuple("stages.empty.command", 11));
        assertThat(e.problems().get(0).message()).contains("missing");
        assertThat(e.problems().get(2).message()).contains("the number 42");
    }

    @Test
    void wrongTypesForLists() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                    files: just/one/file.sh
                    diagnostics:
                      - ok
                      - {not: text}
                    depends_on: {b: 1}
                protected_files: secrets.txt
                architecture_section_keywords:
                  net: VLAN
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("stages.a.files", 4),
                tuple("stages.a.diagnostics", 7),
                tuple("stages.a.depends_on", 8),
                tuple("protected_files", 9),
                tuple("architecture_section_keywords.net", 11));
        assertThat(e.problems().get(0).message()).contains("expected a list").contains("[just/one/file.sh]");
    }

    @Test
    void unknownDependencyAndSelfDependency() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  vms:
                    command: x
                  talos:
                    command: y
                    depends_on:
                      - vms
                      - vm
                  loop:
                    command: z
                    depends_on: [loop]
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("stages.talos.depends_on", 8), tuple("stages.loop.depends_on", 11));
        assertThat(e.problems().get(0).toString())
                .startsWith("context_map.yaml:8: stages.talos.depends_on: unknown stage 'vm'")
                .contains("vms, talos, loop");
        assertThat(e.problems().get(1).message()).contains("itself");
    }

    @Test
    void dependencyCycleListsTheCycle() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                    depends_on: [c]
                  b:
                    command: y
                    depends_on: [a]
                  c:
                    command: z
                    depends_on: [b]
                  d:
                    command: w
                """);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("stages.a.depends_on");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("a -> c -> b -> a");
        });
    }

    @Test
    void badTimeoutAndHost() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                    timeout: soon
                    host: "root@pve.lan:70000"
                  b:
                    command: y
                    timeout: 0s
                    host: "root@@pve"
                  c:
                    command: z
                    timeout: 90
                    host: pve.lan
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("stages.a.timeout", 4), tuple("stages.a.host", 5),
                tuple("stages.b.timeout", 8), tuple("stages.b.host", 9));
        assertThat(e.problems().get(0).message()).contains("'soon'").contains("30m");
        assertThat(e.problems().get(1).message()).contains("65535");
    }

    @Test
    void hostAndBareSecondTimeoutAreAccepted() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  a:
                    command: x
                    timeout: 90
                    host: root@10.0.0.5:22
                """);
        assertThat(map.stages().get(0).timeout()).contains(Duration.ofSeconds(90));
        assertThat(map.stages().get(0).host()).isEqualTo(Optional.of("root@10.0.0.5:22"));
    }

    @Test
    void badEngineBlockValues() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: x
                engine:
                  api_call_budget: x
                  ai_branch: main
                  stage_timeout: [1m]
                  max_attempts_per_run: 0
                """);
        assertThat(e.getMessage().lines()).containsExactly(
                "context_map.yaml:5: engine.api_call_budget: expected a whole number >= 0, got 'x'",
                "context_map.yaml:6: engine.ai_branch: the AI branch must start with 'ai/', got 'main'",
                "context_map.yaml:7: engine.stage_timeout: expected a single value, got a list",
                "context_map.yaml:8: engine.max_attempts_per_run: expected a whole number >= 1, got '0'");
    }

    @Test
    void everyProblemInAFileIsReported() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: 1
                    timeout: forever
                  b:
                    depends_on: [nobody]
                engine:
                  log_tail_lines: -5
                """);
        assertThat(e.problems()).extracting(ConfigProblem::line).containsExactly(3, 4, 5, 6, 8);
        assertThat(e.getMessage().lines()).hasSize(5);
    }

    @Test
    void unknownKeysAreWarningsNotErrors() throws Exception {
        ContextMap map = Yamls.load(dir, """
                version: 3
                stages:
                  a:
                    command: x
                    colour: blue
                engine:
                  turbo: true
                """);
        assertThat(map.stageNames()).containsExactly("a");
        assertThat(map.warnings()).extracting(ConfigProblem::field, ConfigProblem::line).containsExactly(
                tuple("version", 1), tuple("stages.a.colour", 5), tuple("engine.turbo", 7));
        assertThat(map.warnings().get(0).message()).contains("unknown key");
        assertThat(map.engineBlock()).doesNotContainKey("turbo");
    }

    @Test
    void badStageNames() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  "../escape":
                    command: x
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line)
                .containsExactly(tuple("stages.../escape", 2));
    }

    @Test
    void mergeKeysAreRejectedRatherThanSilentlyDropped() {
        ConfigException e = Yamls.failure(dir, """
                base: &base
                  command: x
                stages:
                  a:
                    <<: *base
                """);
        assertThat(e.problems()).extracting(ConfigProblem::field, ConfigProblem::line)
                .contains(tuple("stages.a", 5));
        assertThat(e.getMessage()).contains("merge keys");
    }

    @Test
    void problemMessageFormatIsFileLineFieldMessage() {
        ConfigException e = Yamls.failure(dir, """
                stages:
                  talos:
                    command: x
                    depends_on:
                      - vm
                """);
        assertThat(e.getMessage()).startsWith("context_map.yaml:5: stages.talos.depends_on: unknown stage 'vm'");
    }

    @Test
    void notify_webhook_url_is_the_notify_webhook_setting_and_a_bad_one_names_its_line() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  a:
                    command: "true"
                notify:
                  webhook_url: "https://ntfy.example/homelab"
                """);
        assertThat(map.warnings()).isEmpty();
        assertThat(Settings.resolve(java.util.Map.of(), java.util.Map.of(), map).notifyWebhookUrl())
                .contains("https://ntfy.example/homelab");

        ConfigException e = Yamls.failure(dir, """
                stages:
                  a:
                    command: "true"
                notify:
                  webhook_url: "ftp://nope"
                """);
        assertThat(e.problems().get(0).line()).isEqualTo(5);
        assertThat(e.problems().get(0).field()).isEqualTo("notify.webhook_url");
    }
}
