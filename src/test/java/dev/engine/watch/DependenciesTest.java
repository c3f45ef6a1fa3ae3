package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.config.StageSpec;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependenciesTest {
    static StageSpec stage(String name, String... dependsOn) {
        return new StageSpec(name, "", "true", Optional.empty(), List.of(dependsOn), Optional.empty(), List.of(), List.of(),
                List.of(), List.of(), List.of(), 1);
    }

    @Test
    void withoutDependsOnAStageWaitsForEveryStageBeforeItLikeRunAll() {
        List<StageSpec> order = List.of(stage("vms"), stage("talos"), stage("flux"));
        assertThat(Dependencies.blockedBy(order, 0, Set.of())).isEmpty();
        assertThat(Dependencies.blockedBy(order, 2, Set.of())).isEmpty();
        assertThat(Dependencies.blockedBy(order, 1, Set.of("vms"))).contains("vms");
        assertThat(Dependencies.blockedBy(order, 2, Set.of("vms"))).contains("vms");
    }

    @Test
    void withDependsOnOnlyTheNamedStagesCount() {
        List<StageSpec> order = List.of(stage("vms"), stage("dns"), stage("talos", "vms"));
        assertThat(Dependencies.blockedBy(order, 2, Set.of("dns"))).isEmpty();
        assertThat(Dependencies.blockedBy(order, 2, Set.of("vms"))).contains("vms");
    }
}
