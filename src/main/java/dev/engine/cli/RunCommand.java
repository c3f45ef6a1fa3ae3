package dev.engine.cli;

import dev.engine.app.Engine;
import dev.engine.app.Session;
import dev.engine.audit.Event;
import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.Policy;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Converge the named stages, or all of them in dependency order.",
            "",
            "`all` stops at the first stage that is not green. Each attempt's output goes to "
                    + "logs/<stage>/<stage>_<yyyyMMdd-HHmmss>_attempt<N>.log. A failure is fingerprinted and counted. "
                    + "While a fingerprint is new (fewer than EXECUTOR_RETRY_THRESHOLD attempts) the executor may try a "
                    + "fix and the stage is re-run; after that the failure is escalated to the model, or the stage "
                    + "becomes give_up with the reason.",
            "",
            "give_up stages are not run until `engine reset <stage>`. On a terminal a progress line shows the "
                    + "elapsed time and the stage's last output line; elsewhere one line says when each attempt starts.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine run talos",
            "  engine run all",
            "  engine run vms talos --verbose     with the stages' output on the terminal",
        })
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Parameters(arity = "1..*", paramLabel = "STAGE", description = "Stage names from context_map.yaml, or `all`.")
    List<String> stages;

    @Override
    public Integer call() throws ConfigException, IOException, LockHeldException {
        Session s = Sessions.open(root);
        boolean all = stages.contains("all");
        List<StageSpec> plan = all ? s.map().inDependencyOrder() : s.map().select(stages);
        if (root.ctx.signals()) {
            Signals.install(root.ctx.cancellation(), root.ctx.err());
        }
        try (Engine engine = Engine.open(s, root.io(), "engine run " + String.join(" ", stages))) {
            s.audit().append(null, Event.RUN_STARTED, Map.of("stages", plan.stream().map(StageSpec::name).toList(),
                    "pid", ProcessHandle.current().pid()));
            engine.wiring().warnAboutUncommittedChanges();
            SandboxReport.configWrites(s, engine.wiring().sandbox(), plan)
                    .forEach(w -> root.ctx.err().println("engine: warning: " + w));
            return converge(s, plan, all, engine.loop(), engine.policy());
        }
    }

    private int converge(Session s, List<StageSpec> plan, boolean all, ConvergenceLoop loop, Policy policy) throws IOException {
        boolean allGreen = true;
        for (StageSpec stage : plan) {
            if (root.ctx.cancellation().isCancelled()) {
                break;
            }
            ConvergenceLoop.Report r = loop.converge(stage, policy);
            allGreen &= r.green();
            if (!r.green() && all) {
                break;
            }
        }
        boolean stopped = root.ctx.cancellation().isCancelled();
        s.audit().append(null, Event.RUN_FINISHED, Map.of("all_green", allGreen, "stopped_by_signal", stopped));
        // A stop requested by a signal is a clean, intended end (DESIGN.md §3).
        return stopped || allGreen ? 0 : 1;
    }
}
