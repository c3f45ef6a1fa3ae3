package dev.engine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.engine.audit.AuditLog;
import dev.engine.config.Layout;
import dev.engine.console.Console;
import dev.engine.escalation.CaseAssembler;
import dev.engine.escalation.ModelEscalator;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.redact.Redactor;
import dev.engine.stage.StageRunner;
import dev.engine.state.StateStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builders of the engine's assembly records: a part left out is named when the record is
 * built, not found as a NullPointerException in the middle of a run, and the parts that decide
 * containment or the console's token have no silent default.
 */
class AssemblyBuildersTest {
    @TempDir
    Path home;

    @Test
    void a_missing_part_is_named_with_its_record() {
        StateStore state = new StateStore(home.resolve("state"));
        AuditLog audit = new AuditLog(home.resolve("state"), Clock.systemUTC());
        assertThatThrownBy(() -> ConvergenceLoop.Parts.builder().state(state).audit(audit).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ConvergenceLoop.Parts: runner is required");
        assertThatThrownBy(() -> CaseAssembler.builder().state(state).audit(audit).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("CaseAssembler: map is required");
        assertThatThrownBy(() -> ModelEscalator.Setup.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ModelEscalator.Setup: cases is required");
    }

    @Test
    void stages_run_contained_unless_a_containment_is_given_or_uncontained_is_said_out_loud() {
        StageRunner.Options.Builder options = StageRunner.Options.builder().cwd(home).env(Map.of("PATH", "/usr/bin"))
                .defaultTimeout(Duration.ofMinutes(1)).console(new PrintStream(new ByteArrayOutputStream()))
                .clock(Clock.systemUTC());
        assertThatThrownBy(options::build).isInstanceOf(IllegalStateException.class)
                .hasMessage("StageRunner.Options: processes is required");

        StageRunner.Options built = options.uncontained().build();
        assertThat(built.interactive()).isFalse();
        assertThat(built.verbose()).isFalse();
        assertThat(built.processes().sandbox().available()).isFalse();
    }

    @Test
    void the_console_is_not_taken_for_a_loopback_one_when_nobody_said_so() {
        Console.Parts.Builder parts = Console.Parts.builder().layout(new Layout(home, home)).aiBranch("ai")
                .audit(new AuditLog(home.resolve("state"), Clock.systemUTC()))
                .redactor(Redactor.create(new byte[32], Map.of())).source(List::of)
                .actions(request -> new CompletableFuture<>()).mode("test").clock(Clock.systemUTC());
        assertThatThrownBy(parts::build).isInstanceOf(IllegalStateException.class)
                .hasMessage("Console.Parts: remote is required");
        assertThat(parts.remote(true).build().remote()).isTrue();
    }
}
