package dev.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextMapTest {
    @TempDir
    Path dir;

    private static List<String> names(List<StageSpec> stages) {
        return stages.stream().map(StageSpec::name).toList();
    }

    @Test
    void withoutDependsOnTheFileOrderIsTheRunOrder() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  zeta: {command: z}
                  alpha: {command: a}
                  mid: {command: m}
                """);
        assertThat(names(map.inDependencyOrder())).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void dependsOnMovesDependenciesFirstAndKeepsFileOrderOtherwise() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  apps: {command: x, depends_on: [infra]}
                  docs: {command: x}
                  infra: {command: x, depends_on: [vms]}
                  vms: {command: x}
                  obs: {command: x}
                """);
        assertThat(names(map.inDependencyOrder())).containsExactly("docs", "vms", "infra", "apps", "obs");
        assertThat(names(map.stages())).as("stages() stays in file order")
                .containsExactly("apps", "docs", "infra", "vms", "obs");
    }

    @Test
    void selectKeepsOnlyNamedStagesInDependencyOrder() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  apps: {command: x, depends_on: [infra]}
                  infra: {command: x, depends_on: [vms]}
                  vms: {command: x}
                  obs: {command: x}
                """);
        assertThat(names(map.select(List.of("apps", "vms")))).containsExactly("vms", "apps");
        assertThat(names(map.select(List.of("obs")))).containsExactly("obs");
    }

    @Test
    void selectNamesUnknownStagesAndListsKnownOnes() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  vms: {command: x}
                  talos: {command: x}
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> map.select(List.of("vms", "tallos", "k8s")));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage()).contains("unknown stage 'tallos'").contains("unknown stage 'k8s'")
                .contains("vms, talos");
    }

    @Test
    void stageLookup() throws Exception {
        ContextMap map = Yamls.load(dir, "stages:\n  vms: {command: x}\n");
        assertThat(map.stage("vms")).isPresent();
        assertThat(map.stage("nope")).isEmpty();
    }
}
