package dev.engine.cli;

import dev.engine.config.ConfigException;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import dev.engine.state.StageStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "reset", mixinStandardHelpOptions = true,
        description = {
            "Put stages back to idle, clearing their counters and budgets.",
            "",
            "Status, error counters, API budgets and the attempt counter of each named stage are cleared; logs and "
                    + "the audit trail are kept. Needed after give_up. Also spelled `engine <stage> --reset` and "
                    + "`engine --reset <stage>`.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine reset talos",
            "  engine reset all",
            "  engine talos --reset     the bash loop's spelling",
        })
final class ResetCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Parameters(arity = "1..*", paramLabel = "STAGE", description = "Stage names, or `all`.")
    List<String> stages;

    @Override
    public Integer call() throws ConfigException, IOException, LockHeldException {
        Session s = Session.open(root);
        List<String> names = stages.contains("all")
                ? s.knownStages()
                : s.map().select(stages).stream().map(st -> st.name()).toList();
        try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine reset " + String.join(" ", stages))) {
            for (String name : names) {
                StageStatus before = s.state().status(name);
                int cleared = s.state().clearErrors(name, s.knownStages());
                s.state().removeInfo(name);
                s.state().setStatus(name, StageStatus.IDLE);
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("previous_status", before.wire());
                details.put("error_entries_cleared", cleared);
                s.audit().append(name, "reset", details);
                root.ctx.out().println(name + ": reset (was " + before.wire() + ", " + cleared + " error entr"
                        + (cleared == 1 ? "y" : "ies") + " cleared)");
            }
        }
        return 0;
    }
}
