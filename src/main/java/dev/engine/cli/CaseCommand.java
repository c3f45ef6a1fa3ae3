package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.app.Wiring;
import dev.engine.config.ConfigException;
import dev.engine.config.StageSpec;
import dev.engine.escalation.casefile.CaseFile;
import dev.engine.fingerprint.Fingerprinter;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "case", mixinStandardHelpOptions = true,
        description = {
            "Build a stage's case file for the model, without sending it.",
            "",
            "It is the v1 case file, redacted and held under CASE_TOKEN_BUDGET exactly as a real escalation's. It "
                    + "is written to escalations/<stage>_<ts>_case_v1_preview.md (the _preview suffix: it was never "
                    + "sent), and its path and token count are printed. The failure is the stage's last log unless "
                    + "--log names one.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine case talos",
            "  engine case talos --log logs/talos/talos_20261206-190947_attempt3.log",
        })
final class CaseCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Parameters(paramLabel = "STAGE", description = "A stage of context_map.yaml.")
    String stage;

    @Option(names = "--log", paramLabel = "FILE", description = "The failure log to build the case from (default: the stage's last log).")
    Path log;

    @Override
    public Integer call() throws ConfigException, IOException {
        Session s = Sessions.open(root);
        StageSpec spec = s.map().select(List.of(stage)).get(0);
        Path logFile = log != null ? root.ctx.cwd().resolve(log) : lastLog(s);
        if (logFile == null || !Files.isRegularFile(logFile)) {
            throw new ConfigException(logFile == null ? s.layout().stateDir() : logFile, 0, "--log",
                    logFile == null ? "stage " + stage + " has no log yet; run it first or pass --log FILE" : "no such log file");
        }
        String fingerprint = new Fingerprinter(s.settings().logTailLines()).of(logFile).hash();
        Wiring wiring = new Wiring(s, root.io());
        syncCheckoutIfFree(s, wiring);
        CaseFile c = wiring.cases().assemble(spec, fingerprint, logFile, 1, List.of(), List.of());
        String name = wiring.escalations().newPrefix(stage) + "_case_v1_preview.md";
        Path written = wiring.escalations().write(name, c.text());
        root.ctx.out().println(written + "  " + c.tokens() + " tokens (budget " + s.settings().caseTokenBudget()
                + ")  fingerprint " + fingerprint + "  files " + c.filesIncluded().size());
        for (String note : c.notes()) {
            root.ctx.out().println("  note: " + note);
        }
        return 0;
    }

    private Path lastLog(Session s) throws IOException {
        String rel = s.state().info(stage).lastLog();
        return rel == null ? null : s.layout().home().resolve(rel);
    }

    /** The case reads the stage's files from the AI-branch checkout; refresh it unless a running engine owns it. */
    private static void syncCheckoutIfFree(Session s, Wiring wiring) throws IOException {
        try (EngineLock lock = EngineLock.acquire(s.layout().stateDir(), "engine case")) {
            wiring.checkout().sync(wiring.target().commit());
        } catch (LockHeldException busy) {
            // A run holds the lock and keeps the checkout current itself.
        }
    }
}
