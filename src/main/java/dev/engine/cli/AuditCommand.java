package dev.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.engine.app.Session;
import dev.engine.audit.AuditEvent;
import dev.engine.audit.AuditLog;
import dev.engine.config.ConfigException;
import dev.engine.state.Json;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Print the audit trail, one event per line.",
            "",
            "The trail is state/audit.jsonl: every run, fingerprint, decision, model call, patch, reset, approval and "
                    + "rejection. The table has no header line (it is a log to read or grep), so -o wide prints what the "
                    + "table prints and --no-headers changes nothing.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine audit                          the last 50 events",
            "  engine audit --stage talos --tail 0   every event of the talos stage",
            "  engine audit -o json | jq .event      as stored, one JSON object a line",
            "  engine audit -o yaml                  the events as one YAML list",
            "  engine report talos                   talos's last incident, in Markdown",
        })
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Option(names = "--stage", paramLabel = "STAGE", description = "Only this stage's events.")
    String stage;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "50", description = "The last N events (0: all; default ${DEFAULT-VALUE}).")
    int tail;

    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws ConfigException, IOException {
        OutputOptions.Format format = output.format();
        Session s = Sessions.open(root);
        AuditLog.Read read = s.audit().read(Optional.ofNullable(stage), tail);
        if (format == OutputOptions.Format.YAML) {
            root.ctx.out().print(OutputOptions.yaml(read.events()));
        } else {
            ObjectMapper mapper = Json.mapper().disable(SerializationFeature.INDENT_OUTPUT);
            for (AuditEvent e : read.events()) {
                if (format == OutputOptions.Format.JSON) {
                    root.ctx.out().println(mapper.writeValueAsString(e));
                } else {
                    root.ctx.out().printf("%-24s %-10s %-16s %s%n", e.time(), e.stage() == null ? "-" : e.stage(), e.event(), render(e.details()));
                }
            }
        }
        if (read.unreadableLines() > 0) {
            root.ctx.err().println("engine: " + read.unreadableLines() + " line(s) of " + s.audit().file() + " could not be read and were skipped");
        }
        return 0;
    }

    private static String render(Map<String, Object> details) {
        return details.entrySet().stream().filter(en -> en.getValue() != null && !"".equals(en.getValue()))
                .map(en -> en.getKey() + "=" + en.getValue()).collect(Collectors.joining(" "));
    }
}
