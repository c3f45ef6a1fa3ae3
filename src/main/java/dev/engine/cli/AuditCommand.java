package dev.engine.cli;

import dev.engine.audit.AuditEvent;
import dev.engine.audit.AuditLog;
import dev.engine.config.ConfigException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Print the audit trail (state/audit.jsonl): every run, fingerprint, decision, reset, ... one per line.")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Option(names = "--stage", paramLabel = "STAGE", description = "Only this stage's events.")
    String stage;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "50", description = "The last N events (0 = all; default ${DEFAULT-VALUE}).")
    int tail;

    @Option(names = "--json", description = "Print the events as JSON lines, as stored.")
    boolean json;

    @Override
    public Integer call() throws ConfigException, IOException {
        Session s = Session.open(root);
        AuditLog.Read read = s.audit().read(Optional.ofNullable(stage), tail);
        var mapper = dev.engine.state.Json.mapper().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        for (AuditEvent e : read.events()) {
            if (json) {
                root.ctx.out().println(mapper.writeValueAsString(e));
            } else {
                root.ctx.out().printf("%-24s %-10s %-16s %s%n", e.time(), e.stage() == null ? "-" : e.stage(), e.event(), render(e.details()));
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
