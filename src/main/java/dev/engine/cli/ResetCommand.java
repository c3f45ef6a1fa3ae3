package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.ConfigException;
import dev.engine.control.ActionRequest;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.util.List;
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
                    + "`engine --reset <stage>`. While `engine watch` runs, the reset is handed to it and done between two "
                    + "stages.",
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
        Session s = Sessions.open(root);
        HumanActions.stageNames(s, stages); // an unknown stage is a usage error here, before any hand-off
        return HumanActions.run(root, s, ActionRequest.reset(stages, ActionRequest.VIA_CLI));
    }
}
