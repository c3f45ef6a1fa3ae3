package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.StageSpec;
import dev.engine.gate.AutoRun;
import dev.engine.git.RunTarget;
import dev.engine.sandbox.ConfigWrites;
import dev.engine.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code validate}, {@code status} and {@code run} say about containment (DESIGN.md §8):
 * whether bubblewrap works, which stages run with {@code sandbox: off} (in red: it must be a
 * choice, and it is visible), what waits for review under {@code auto_run}, and which
 * {@code sandbox: writable:} entries a stage's scripts need before their first run.
 */
final class SandboxReport {
    private static final String RED = "\u001B[31m";
    private static final String RESET = "\u001B[0m";

    private SandboxReport() {}

    /** The sandbox line and one line per stage that is not contained; for validate and status. */
    static void print(Session s, Sandbox sandbox, PrintStream out, boolean color) {
        out.println("sandbox:   " + (sandbox.available() ? "bubblewrap (stages, checks, executor and diagnostics are contained)"
                : red("unavailable: " + sandbox.problem().orElse("?") + "; AI-changed code always waits for review", color)));
        for (StageSpec st : s.map().stages()) {
            if (st.sandbox().off()) {
                out.println("           " + red("stage " + st.name() + ": sandbox: off (runs uncontained; AI-changed code it runs"
                        + " waits for review)", color));
            } else if (!st.sandbox().writable().isEmpty()) {
                out.println("           stage " + st.name() + ": also writable " + String.join(", ", st.sandbox().writable()));
            }
        }
        AutoRun autoRun = AutoRun.parse(s.settings().autoRun());
        out.println("auto_run:  " + (autoRun == AutoRun.ALL ? red("all (opt-in: AI-changed code runs, sandboxed, before review)", color)
                : autoRun == AutoRun.NONE ? "none (every AI commit waits for review)"
                : "declarative (AI changes to data files run at once; code waits for review)"));
    }

    /**
     * One warning per stage whose scripts write tool configuration the sandbox keeps read-only,
     * naming the lines and the YAML to add; none when the sandbox is off or unavailable.
     */
    static List<String> configWrites(Session s, Sandbox sandbox, List<StageSpec> stages) {
        List<String> warnings = new ArrayList<>();
        if (!sandbox.available()) {
            return warnings;
        }
        Map<String, Map<String, String>> scripts;
        try {
            scripts = RunTarget.executedScripts(s.layout().workspace(), "main", stages);
        } catch (IOException | RuntimeException e) {
            return warnings; // no repository or no main yet: validate's git check says so
        }
        for (StageSpec st : stages) {
            if (st.sandbox().off()) continue;
            List<ConfigWrites.Finding> missing = ConfigWrites.missing(ConfigWrites.in(scripts.getOrDefault(st.name(), Map.of())),
                    st.sandbox().writable());
            if (missing.isEmpty()) continue;
            StringBuilder w = new StringBuilder("stage " + st.name() + ": its scripts write where the sandbox is read-only:");
            for (ConfigWrites.Finding f : missing.subList(0, Math.min(5, missing.size()))) {
                w.append("\n      ").append(f.file()).append(':').append(f.line()).append(": ").append(oneLine(f.text()))
                        .append("  (").append(f.why()).append(')');
            }
            if (missing.size() > 5) w.append("\n      ... and ").append(missing.size() - 5).append(" more");
            w.append("\n    add to stages.").append(st.name()).append(" in context_map.yaml:  ")
                    .append(ConfigWrites.suggestion(missing, st.sandbox().writable()));
            warnings.add(w.toString());
        }
        return warnings;
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }

    static String red(String text, boolean color) {
        return color ? RED + text + RESET : text;
    }
}
