package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
import dev.engine.escalation.Escalator;
import dev.engine.escalation.NotAvailable;
import dev.engine.executor.NoExecutor;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.Policy;
import dev.engine.stage.StageRunner;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Converge the named stages, or all of them in dependency order (stopping at the first that is not green).",
            "Each attempt's output goes to logs/<stage>/<stage>_<yyyyMMdd-HHmmss>_attempt<N>.log.",
            "A failure is fingerprinted and counted; while a fingerprint is new (fewer than",
            "EXECUTOR_RETRY_THRESHOLD attempts) the executor may try a fix and the stage is re-run;",
            "after that the failure is escalated, or the stage becomes give_up with the reason.",
            "give_up stages are not run until `engine reset <stage>`.",
        })
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Parameters(arity = "1..*", paramLabel = "STAGE", description = "Stage names from context_map.yaml, or `all`.")
    List<String> stages;

    @Override
    public Integer call() throws ConfigException, IOException, LockHeldException {
        Session s = Session.open(root);
        boolean all = stages.contains("all");
        List<StageSpec> plan = all ? s.map().inDependencyOrder() : s.map().select(stages);
        if (root.ctx.signals()) {
            Signals.install(root.ctx.cancellation(), root.ctx.err());
        }
        try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine run " + String.join(" ", stages))) {
            Recovery.recoverInterrupted(s);
            AiBranchSyncStep.run(s);
            s.audit().append(null, "run_started", java.util.Map.of("stages", plan.stream().map(StageSpec::name).toList(),
                    "pid", ProcessHandle.current().pid()));
            Escalator escalator = new NotAvailable(root.ctx.env());
            ConvergenceLoop loop = new ConvergenceLoop(parts(s, escalator));
            Policy policy = policy(s, escalator);
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
            s.audit().append(null, "run_finished", java.util.Map.of("all_green", allGreen, "stopped_by_signal", stopped));
            // A stop requested by a signal is a clean, intended end (DESIGN.md §3).
            return stopped || allGreen ? 0 : 1;
        }
    }

    private ConvergenceLoop.Parts parts(Session s, Escalator escalator) {
        StageRunner runner = new StageRunner(new StageRunner.Options(s.layout().workspace(), root.ctx.env(),
                s.settings().defaultStageTimeout(), root.interactive(), root.verbose, root.ctx.err(), root.ctx.clock()));
        String noExecutor = s.settings().executorCommand().isPresent()
                ? "EXECUTOR_COMMAND is set, but running an executor is not implemented in this version; re-running only"
                : "no executor configured (EXECUTOR_COMMAND)";
        return new ConvergenceLoop.Parts(s.state(), s.audit(), runner, new Fingerprinter(s.settings().logTailLines()),
                new NoExecutor(noExecutor), escalator, root.ctx.clock(), root.ctx.cancellation(),
                root.ctx.out(), s.layout().logsDir(), s.layout().home(), s.map().stageNames());
    }

    static Policy policy(Session s, Escalator escalator) {
        return new Policy(s.settings().executorRetryThreshold(), s.settings().apiCallBudget(), s.settings().stageApiCallCap(),
                s.settings().maxAttemptsPerRun(), escalator.unavailable());
    }
}
