package dev.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.config.ConfigException;
import dev.engine.state.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "One row per stage: status, attempts on the current failure, its fingerprint, API calls",
            "used/budget, tokens, last run time and last log; then pending AI branch commits.",
            "Reads state only; needs no lock, so it works while `engine run` or `watch` is busy.",
        })
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Option(names = "--json", description = "Print the status as one JSON document (for scripts).")
    boolean json;

    @Override
    public Integer call() throws ConfigException, IOException {
        Session s = Session.open(root);
        StatusReport report = StatusReport.build(s);
        PrintStream out = root.ctx.out();
        if (json) {
            ObjectMapper mapper = Json.mapper();
            out.println(mapper.writeValueAsString(report));
            return 0;
        }
        String fmt = "%-12s %-9s %8s  %-12s %6s %8s  %-20s %s%n";
        out.printf(fmt, "STAGE", "STATUS", "ATTEMPTS", "FINGERPRINT", "API", "TOKENS", "LAST RUN", "LAST LOG");
        for (StatusReport.Row r : report.stages()) {
            out.printf(fmt, r.name() + (r.inContextMap() ? "" : "*"), r.status(), r.attempts(),
                    dash(r.lastFingerprint()), r.apiCalls() + "/" + r.apiCallBudget(), r.tokens(),
                    dash(r.lastRun() == null ? null : r.lastRun().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z")),
                    dash(r.lastLog()));
            if (r.reason() != null && !r.status().equals("green")) {
                out.println("             reason: " + r.reason());
            }
        }
        if (report.stages().stream().anyMatch(r -> !r.inContextMap())) {
            out.println("* in state but no longer in context_map.yaml");
        }
        out.println();
        out.println("AI branch " + report.aiBranch() + ": " + (report.pendingAiCommits() == null
                ? "not created yet" : report.pendingAiCommits() + " commit(s) waiting for review"));
        if (report.aiBranchSync() != null && "conflict".equals(report.aiBranchSync().result())) {
            out.println("AI branch conflicts with " + "main: commit " + report.aiBranchSync().conflictCommit().substring(0, 10)
                    + " no longer applies (" + String.join(", ", report.aiBranchSync().conflictPaths())
                    + "); review it with `engine review show`, then approve or reject it");
        }
        if (report.stages().stream().anyMatch(r -> r.status().equals("awaiting_review"))) {
            out.println("awaiting review: the stage runs nothing new until a human approves or rejects the AI commit"
                    + " its reason names (`engine review`)");
        }
        SandboxReport.print(s, dev.engine.sandbox.Sandbox.locate(s.settings().sandboxBwrap(), root.ctx.env()), out,
                root.interactive());
        if (report.lockHeld()) {
            out.println("engine busy: " + report.lockHolder());
        }
        return 0;
    }

    private static String dash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }
}
