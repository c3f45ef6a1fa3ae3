package dev.engine.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.audit.AuditEvent;
import dev.engine.redact.Redactor;
import dev.engine.state.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stage's audit events as the stage page shows them: each event's details, and the files it
 * names folded under it: the log tail of an attempt, the case file a model call carried and the
 * answer it got, a diagnostic's output, a patch. All text is redacted here, files by their name's
 * rules (a kubeconfig is read as one).
 */
final class Timeline {
    static final int LOG_TAIL_LINES = 40;
    static final int MAX_VALUE = 4000;
    static final int MAX_FILE = 256 * 1024;
    private static final Pattern CASE_NAME = Pattern.compile("(.+)_case_v(\\d+)\\.md");
    private static final ObjectMapper JSON = Json.mapper();

    private final SafeFiles files;
    private final Redactor redactor;
    private final String escalationsDir;

    /** @param escalationsDir the home-relative name of the escalations folder (case and answer names are relative to it) */
    Timeline(SafeFiles files, Redactor redactor, String escalationsDir) {
        this.files = files;
        this.redactor = redactor;
        this.escalationsDir = escalationsDir;
    }

    List<View.Entry> entries(List<AuditEvent> events) {
        List<View.Entry> out = new ArrayList<>(events.size());
        for (AuditEvent e : events) {
            out.add(entry(e));
        }
        return out;
    }

    View.Entry entry(AuditEvent e) {
        List<View.Detail> details = new ArrayList<>();
        e.details().forEach((k, v) -> details.add(new View.Detail(redactor.redact(k), value(v))));
        List<View.Attachment> attachments = new ArrayList<>();
        Map<String, Object> d = e.details();
        switch (e.event()) {
            case "attempt_finished" -> text(d, "log").flatMap(log -> logTail(log, "log tail", log)).ifPresent(attachments::add);
            case "model_call" -> text(d, "case").ifPresent(caseName -> {
                file(escalationsDir + "/" + caseName, "case file sent", caseName).ifPresent(attachments::add);
                answerName(caseName).flatMap(a -> file(escalationsDir + "/" + a, "answer", a)).ifPresent(attachments::add);
            });
            case "diagnostics_run" -> text(d, "output").flatMap(o -> file(o, "output", o)).ifPresent(attachments::add);
            case "patch_applied", "patch_refused" -> text(d, "patch").flatMap(p -> file(p, "patch", p)).ifPresent(attachments::add);
            default -> { }
        }
        return new View.Entry(e.time(), e.event(), kind(e.event()), details, attachments);
    }

    /** The answer file the engine wrote beside a case file: {@code _response.json} for v1, {@code _response_vN.json} after. */
    static Optional<String> answerName(String caseName) {
        Matcher m = CASE_NAME.matcher(caseName);
        if (!m.matches()) {
            return Optional.empty();
        }
        int version = Integer.parseInt(m.group(2));
        return Optional.of(m.group(1) + (version == 1 ? "_response.json" : "_response_v" + version + ".json"));
    }

    /**
     * The engine's own label, then the file's name redacted on its own: redacting "label: name" as
     * one text would read it as an assignment and could take a timestamped name for a token.
     */
    private String title(String label, String name) {
        return label + ": " + redactor.redact(name);
    }

    Optional<View.Attachment> logTail(String relative, String label, String name) {
        return files.lastLines(relative, LOG_TAIL_LINES, 64 * 1024).map(t -> new View.Attachment(title(label, name),
                redactor.redact(t.text()), t.cut() ? "last " + LOG_TAIL_LINES + " lines" : null));
    }

    Optional<View.Attachment> file(String relative, String label, String name) {
        return files.tail(relative, MAX_FILE).map(t -> new View.Attachment(title(label, name),
                redactor.redactFile(relative, t.text()), t.cut() ? "last " + MAX_FILE / 1024 + " KB of " + t.size() + " bytes" : null));
    }

    private String value(Object v) {
        String s;
        if (v == null) {
            s = "null";
        } else if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(x -> parts.add(String.valueOf(x)));
            s = String.join("\n", parts);
        } else if (v instanceof Map<?, ?>) {
            try {
                s = JSON.writeValueAsString(v);
            } catch (JsonProcessingException e) {
                s = String.valueOf(v);
            }
        } else {
            s = String.valueOf(v);
        }
        String r = redactor.redact(s);
        return r.length() > MAX_VALUE ? r.substring(0, MAX_VALUE) + " …" : r;
    }

    private static Optional<String> text(Map<String, Object> d, String key) {
        Object v = d.get(key);
        return v instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    static String kind(String event) {
        if (event.startsWith("attempt_") || event.equals("interrupted") || event.equals("stopped") || event.equals("recovered")) {
            return "attempt";
        }
        if (event.equals("fingerprint") || event.equals("decision") || event.equals("give_up") || event.equals("green")) {
            return event.equals("fingerprint") ? "fingerprint" : "decision";
        }
        if (event.startsWith("executor")) {
            return "executor";
        }
        if (event.startsWith("model_") || event.startsWith("escalation")) {
            return "model";
        }
        if (event.startsWith("diagnostics_")) {
            return "diagnostics";
        }
        if (event.startsWith("patch_")) {
            return "patch";
        }
        if (event.equals("approved") || event.equals("rejected") || event.startsWith("approve_") || event.startsWith("reject_")
                || event.startsWith("review_") || event.equals("awaiting_review") || event.equals("reset")) {
            return "review";
        }
        return "other";
    }
}
