package dev.engine.report;

import dev.engine.audit.AuditEvent;
import dev.engine.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stage's last incident, told from the audit trail as Markdown for an issue or a commit message:
 * what failed, what was tried, what it cost, what fixed it and who approved the fix, then the
 * timeline.
 *
 * <p>An incident is the stretch of a stage's events between two ends (green, or a reset by hand)
 * in which an attempt failed, drift was found or the stage gave up; the report is about the last
 * such stretch, plus the review of the commits it produced, which may come later.
 *
 * <p>Everything taken from the trail is hostile (model summaries, stage output, commands): it is
 * passed through the redactor, stripped of control characters and put in code spans, so it can
 * neither leak a secret nor become a link, an image, HTML, a heading or a mention where the
 * Markdown is rendered.
 */
public final class IncidentReport {
    /** What the report asks git: whether an AI commit reached main, and through which approval. */
    public interface Commits {
        /** {@code commit} (a sha or prefix) is {@code tip} or one of its ancestors. */
        boolean contains(String tip, String commit);

        /** {@code commit} is in the main branch now. */
        boolean inMain(String commit);

        /** For a trail read without a repository: nothing is known to be in main. */
        Commits UNKNOWN = new Commits() {
            @Override
            public boolean contains(String tip, String commit) {
                return tip != null && commit != null && tip.startsWith(commit);
            }

            @Override
            public boolean inMain(String commit) {
                return false;
            }
        };
    }

    private static final Set<String> ENDS = Set.of("green", "reset");
    private static final Set<String> REVIEW_EVENTS = Set.of("approved", "rejected", "approve_refused", "reject_refused");
    private static final int MAX_VALUE = 300;

    private final String stage;
    private final List<AuditEvent> incident;
    private final List<AuditEvent> reviews;
    private final UnaryOperator<String> redact;
    private final Commits commits;

    private IncidentReport(String stage, List<AuditEvent> incident, List<AuditEvent> reviews, UnaryOperator<String> redact,
                           Commits commits) {
        this.stage = stage;
        this.incident = incident;
        this.reviews = reviews;
        this.redact = redact;
        this.commits = commits;
    }

    /**
     * The last incident of {@code stage} in {@code trail} (the whole audit trail, oldest first), as
     * Markdown; empty when the trail holds no failure of the stage.
     *
     * @param redact applied to every value taken from the trail
     */
    public static Optional<String> markdown(String stage, List<AuditEvent> trail, UnaryOperator<String> redact, Commits commits) {
        List<AuditEvent> own = trail.stream().filter(e -> stage.equals(e.stage())).toList();
        List<AuditEvent> last = List.of();
        List<AuditEvent> current = new ArrayList<>();
        for (AuditEvent e : own) {
            current.add(e);
            if (ENDS.contains(e.event())) {
                if (failed(current)) {
                    last = current;
                }
                current = new ArrayList<>();
            }
        }
        if (failed(current)) {
            last = current;
        }
        if (last.isEmpty()) {
            return Optional.empty();
        }
        List<AuditEvent> found = last;
        Instant from = time(found.get(0));
        // Approvals and rejections may name no stage (approve --all over several stages): they
        // belong to the incident when they concern one of its commits.
        List<String> made = committed(found);
        List<AuditEvent> reviews = trail.stream()
                .filter(e -> REVIEW_EVENTS.contains(e.event()) && (stage.equals(e.stage()) || e.stage() == null))
                .filter(e -> !time(e).isBefore(from))
                .filter(e -> made.stream().anyMatch(c -> concerns(e, c, commits)))
                .filter(e -> !found.contains(e))
                .toList();
        return Optional.of(new IncidentReport(stage, found, reviews, redact, commits).render());
    }

    /** An instance over {@code events} as they are, for tests of the rendering rules. */
    static IncidentReport forTest(String stage, List<AuditEvent> events, UnaryOperator<String> redact) {
        return new IncidentReport(stage, events, List.of(), redact, Commits.UNKNOWN);
    }

    private static boolean failed(List<AuditEvent> events) {
        return events.stream().anyMatch(e -> switch (e.event()) {
            case "attempt_finished" -> !Set.of("passed", "interrupted").contains(str(e, "outcome"));
            case "drift", "give_up" -> true;
            default -> false;
        });
    }

    /** The commits the incident put on the AI branch, oldest first. */
    private static List<String> committed(List<AuditEvent> events) {
        return events.stream().filter(e -> e.event().equals("patch_applied")).map(e -> str(e, "commit"))
                .filter(c -> !c.isEmpty()).distinct().toList();
    }

    private static boolean concerns(AuditEvent review, String commit, Commits commits) {
        return switch (review.event()) {
            case "approved" -> commits.contains(str(review, "main"), commit) || matches(str(review, "commit"), commit);
            case "rejected" -> matches(str(review, "rejected"), commit) || matches(str(review, "commit"), commit);
            default -> matches(str(review, "commit"), commit);
        };
    }

    /** Two spellings of one commit: a sha and a prefix of it, either way round. */
    private static boolean matches(String a, String b) {
        if (a.length() < 7 || b.length() < 7) {
            return false;
        }
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        return x.startsWith(y) || y.startsWith(x);
    }

    private String render() {
        StringBuilder md = new StringBuilder();
        AuditEvent first = incident.get(0);
        AuditEvent end = incident.get(incident.size() - 1);
        md.append("# Incident: stage ").append(code(stage)).append("\n\n");
        md.append("- **When:** ").append(when(first)).append(" to ").append(when(end))
                .append(" (").append(span(first, end)).append(")\n");
        md.append("- **Outcome:** ").append(outcome()).append('\n');
        md.append("- **What failed:** ").append(whatFailed()).append('\n');
        md.append("- **What was tried:** ").append(whatWasTried()).append('\n');
        md.append("- **What it cost:** ").append(whatItCost()).append('\n');
        md.append("- **What fixed it:** ").append(whatFixedIt()).append('\n');
        md.append("- **Who approved it:** ").append(whoApproved()).append('\n');
        md.append("\n## Timeline\n\n");
        List<AuditEvent> all = new ArrayList<>(incident);
        all.addAll(reviews);
        for (AuditEvent e : all) {
            line(e).ifPresent(l -> md.append("- ").append(when(e)).append(' ').append(l).append('\n'));
        }
        md.append("\nFrom the audit trail (state/audit.jsonl) by `engine report`; values from the trail are redacted.\n");
        return md.toString();
    }

    private String outcome() {
        AuditEvent end = incident.get(incident.size() - 1);
        return switch (end.event()) {
            case "green" -> "green again at " + when(end);
            case "reset" -> "reset by hand at " + when(end) + " (was " + code(str(end, "previous_status")) + ")";
            default -> last("give_up").map(g -> "gave up at " + when(g) + ": " + code(str(g, "reason")))
                    .or(() -> last("awaiting_review").map(w -> "waiting for review of AI commit " + code(shortSha(str(w, "commit")))))
                    .orElse("not resolved yet (last event: " + code(end.event()) + ")");
        };
    }

    private String whatFailed() {
        List<AuditEvent> failures = incident.stream().filter(e -> e.event().equals("attempt_finished")
                && !Set.of("passed", "interrupted").contains(str(e, "outcome"))).toList();
        Map<String, Integer> byFingerprint = new LinkedHashMap<>();
        incident.stream().filter(e -> e.event().equals("fingerprint"))
                .forEach(e -> byFingerprint.merge(str(e, "fingerprint"), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        incident.stream().filter(e -> e.event().equals("drift")).findFirst()
                .ifPresent(d -> parts.add("drift: " + code(str(d, "reason"))));
        if (!failures.isEmpty()) {
            AuditEvent f = failures.get(0);
            String command = incident.stream().filter(e -> e.event().equals("attempt_started")).map(e -> str(e, "command"))
                    .filter(c -> !c.isEmpty()).findFirst().orElse("");
            parts.add((command.isEmpty() ? "the stage" : code(command)) + ": " + code(str(f, "detail"))
                    + (str(f, "log").isEmpty() ? "" : ", first log " + code(str(f, "log"))));
            parts.add(failures.size() + " failed attempt(s)");
        }
        if (!byFingerprint.isEmpty()) {
            List<String> fps = new ArrayList<>();
            byFingerprint.forEach((fp, n) -> fps.add(code(fp) + " x" + n));
            parts.add("fingerprint(s) " + String.join(", ", fps));
        }
        return parts.isEmpty() ? "no failed attempt recorded" : String.join("; ", parts);
    }

    private String whatWasTried() {
        List<String> parts = new ArrayList<>();
        count("executor", "executor attempt(s)").ifPresent(parts::add);
        count("executor_model_call", "executor model call(s)").ifPresent(parts::add);
        List<AuditEvent> calls = events("model_call");
        if (!calls.isEmpty()) {
            Map<String, Integer> answers = new LinkedHashMap<>();
            calls.forEach(c -> answers.merge(str(c, "response_type").isEmpty() ? "error " + str(c, "error") : str(c, "response_type"),
                    1, Integer::sum));
            List<String> kinds = new ArrayList<>();
            answers.forEach((k, n) -> kinds.add(n + " " + k));
            parts.add(calls.size() + " escalation model call(s) (" + String.join(", ", kinds) + ")");
        }
        count("diagnostics_run", "diagnostic command(s) run").ifPresent(parts::add);
        count("diagnostics_refused", "diagnostic command(s) refused").ifPresent(parts::add);
        count("patch_applied", "patch(es) committed to the AI branch").ifPresent(parts::add);
        count("patch_refused", "patch(es) refused").ifPresent(parts::add);
        return parts.isEmpty() ? "nothing but re-runs" : String.join(", ", parts);
    }

    private String whatItCost() {
        List<AuditEvent> finished = events("attempt_finished");
        long ms = finished.stream().mapToLong(e -> num(e, "duration_ms")).sum();
        List<AuditEvent> calls = new ArrayList<>(events("model_call"));
        calls.addAll(events("executor_model_call"));
        long tokens = calls.stream().mapToLong(e -> num(e, "tokens")).sum();
        long prompt = calls.stream().mapToLong(e -> num(e, "prompt_tokens")).sum();
        long completion = calls.stream().mapToLong(e -> num(e, "completion_tokens")).sum();
        return finished.size() + " attempt(s) taking " + human(Duration.ofMillis(ms)) + " of stage time; "
                + calls.size() + " model call(s); " + tokens + " token(s)"
                + (prompt + completion > 0 ? " (" + prompt + " prompt, " + completion + " completion)" : "");
    }

    private String whatFixedIt() {
        AuditEvent end = incident.get(incident.size() - 1);
        Optional<AuditEvent> patch = last("patch_applied");
        if (end.event().equals("reset")) {
            return "nothing recorded: a human reset the stage";
        }
        if (!end.event().equals("green")) {
            return patch.map(p -> "not fixed yet; the last AI commit is " + commit(p)).orElse("not fixed yet");
        }
        int attempt = (int) num(end, "attempt");
        if (patch.isEmpty()) {
            return "no AI patch: the stage passed on attempt " + attempt + " (a change by hand, or a failure that went away)";
        }
        String summary = summaryFor(patch.get());
        return "AI commit " + commit(patch.get()) + (summary.isEmpty() ? "" : ": " + code(summary))
                + "; the stage passed on attempt " + attempt;
    }

    /**
     * The summary of the answer that produced a patch, in its author's words: the model's answer
     * just before it, else what the executor or the escalation reported just after it.
     */
    private String summaryFor(AuditEvent patch) {
        int at = incident.indexOf(patch);
        for (int i = at - 1; i >= 0; i--) {
            AuditEvent e = incident.get(i);
            if (e.event().equals("attempt_finished")) {
                break;
            }
            if ((e.event().equals("model_call") || e.event().equals("executor_model_call")) && str(e, "response_type").equals("patch")) {
                return str(e, "summary");
            }
        }
        for (int i = at + 1; i < incident.size(); i++) {
            AuditEvent e = incident.get(i);
            if ((e.event().equals("executor") || e.event().equals("escalation")) && str(e, "commit").equals(str(patch, "commit"))) {
                return str(e, "summary");
            }
        }
        return "";
    }

    private String whoApproved() {
        List<String> made = committed(incident);
        if (made.isEmpty()) {
            return "nothing to approve: no AI commit";
        }
        List<String> parts = new ArrayList<>();
        for (String c : made) {
            Optional<AuditEvent> review = Stream.concat(incident.stream(), reviews.stream())
                    .filter(r -> r.event().equals("approved") || r.event().equals("rejected"))
                    .filter(r -> concerns(r, c, commits)).findFirst();
            String who = review.map(r -> (r.event().equals("approved") ? "approved" : "rejected (" + code(str(r, "reason")) + ")")
                    + " at " + when(r) + by(r)).orElse(commits.inMain(c) ? "in main, approval not in the audit trail"
                    : "not approved yet (`engine review approve " + shortSha(c).replaceAll("[^0-9a-f]", "") + "`)");
            parts.add(code(shortSha(c)) + " " + who);
        }
        return String.join("; ", parts);
    }

    /** Who acted, as far as the event says: its user and the way it came (command line, console). */
    private String by(AuditEvent e) {
        String user = str(e, "by").isEmpty() ? str(e, "user") : str(e, "by");
        String via = str(e, "via");
        return (user.isEmpty() ? " (user not recorded)" : " by " + code(user)) + (via.isEmpty() ? "" : " via " + code(via));
    }

    /** One timeline entry, or nothing for the bookkeeping events a reader does not need. */
    private Optional<String> line(AuditEvent e) {
        return Optional.ofNullable(switch (e.event()) {
            case "attempt_started" -> finishedLater(e) ? null : "attempt " + num(e, "attempt") + " started";
            case "attempt_finished" -> "attempt " + num(e, "attempt") + " " + code(str(e, "outcome"))
                    + (str(e, "detail").isEmpty() ? "" : ": " + code(str(e, "detail")))
                    + " in " + human(Duration.ofMillis(num(e, "duration_ms")))
                    + (str(e, "log").isEmpty() ? "" : ", log " + code(str(e, "log")));
            case "fingerprint" -> "fingerprint " + code(str(e, "fingerprint")) + " seen " + num(e, "attempts") + " time(s), "
                    + num(e, "api_calls") + " model call(s) spent on it";
            case "decision" -> Set.of("RunStage", "Green").contains(str(e, "decision")) ? null : "decision: " + code(str(e, "decision"))
                    + (str(e, "reason").isEmpty() ? "" : " (" + code(str(e, "reason")) + ")");
            case "executor" -> "executor: " + code(str(e, "outcome")) + (str(e, "summary").isEmpty() ? "" : " " + code(str(e, "summary")));
            case "executor_model_call", "model_call" -> (e.event().equals("model_call") ? "model call" : "executor model call")
                    + (str(e, "model").isEmpty() ? "" : " to " + code(str(e, "model")))
                    + (str(e, "case").isEmpty() ? "" : " with " + code(str(e, "case")))
                    + ", " + num(e, "tokens") + " token(s)"
                    + (str(e, "error").isEmpty() ? ", answered " + code(str(e, "response_type")) + ": " + code(str(e, "summary"))
                            : ", failed: " + code(str(e, "error")) + " " + code(str(e, "message")));
            case "diagnostics_run" -> "diagnostic " + code(str(e, "command")) + " exited " + code(str(e, "exit_code"))
                    + ("true".equals(str(e, "timed_out")) ? " (timed out)" : "");
            case "diagnostics_refused" -> "diagnostic refused: " + code(str(e, "command")) + " (rule " + code(str(e, "rule")) + ": "
                    + code(str(e, "reason")) + ")";
            case "patch_applied" -> "patch from " + code(str(e, "source")) + " committed as " + commit(e);
            case "patch_refused" -> "patch from " + code(str(e, "source")) + " refused: " + code(str(e, "violations"));
            case "escalation" -> "escalation: " + code(str(e, "outcome")) + (str(e, "summary").isEmpty() ? "" : " " + code(str(e, "summary")));
            case "awaiting_review" -> "waits for review of " + code(shortSha(str(e, "commit"))) + ": " + code(str(e, "reason"));
            case "review_settled" -> "review of " + code(shortSha(str(e, "commit"))) + " settled" + (str(e, "how").isEmpty() ? ""
                    : " (" + code(str(e, "how")) + ")");
            case "approved" -> "approved " + num(e, "approved") + " AI commit(s) into main, now " + code(shortSha(str(e, "main"))) + by(e);
            case "rejected" -> "rejected " + code(shortSha(str(e, "rejected"))) + ": " + code(str(e, "reason")) + by(e);
            case "approve_refused", "reject_refused" -> code(e.event()) + ": " + code(str(e, "reason").isEmpty()
                    ? str(e, "conflicts") : str(e, "reason"));
            case "green" -> "**green** on attempt " + num(e, "attempt");
            case "give_up" -> "**give_up**: " + code(str(e, "reason"));
            case "reset" -> "reset by hand (was " + code(str(e, "previous_status")) + ")";
            case "drift" -> "drift: " + code(str(e, "reason"));
            default -> code(e.event()) + (e.details().isEmpty() ? "" : " " + code(details(e)));
        });
    }

    private boolean finishedLater(AuditEvent started) {
        long attempt = num(started, "attempt");
        return incident.stream().anyMatch(e -> e.event().equals("attempt_finished") && num(e, "attempt") == attempt);
    }

    private String commit(AuditEvent patch) {
        return code(shortSha(str(patch, "commit"))) + " (" + code(str(patch, "files")) + ", +" + num(patch, "added")
                + "/-" + num(patch, "removed") + ")";
    }

    private Optional<String> count(String event, String what) {
        long n = events(event).size();
        return n == 0 ? Optional.empty() : Optional.of(n + " " + what);
    }

    private List<AuditEvent> events(String event) {
        return incident.stream().filter(e -> e.event().equals(event)).toList();
    }

    private Optional<AuditEvent> last(String event) {
        List<AuditEvent> all = events(event);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private static String details(AuditEvent e) {
        StringBuilder sb = new StringBuilder();
        e.details().forEach((k, v) -> {
            if (v != null && !"".equals(v)) {
                sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    private static String shortSha(String sha) {
        return sha.length() > 10 ? sha.substring(0, 10) : sha;
    }

    private static String span(AuditEvent a, AuditEvent b) {
        try {
            return human(Duration.between(time(a), time(b)));
        } catch (DateTimeParseException e) {
            return "?";
        }
    }

    private static String human(Duration d) {
        return Durations.format(d);
    }

    /** The event's time to the second, in UTC; as it stands in the trail (in a code span) when it is no time. */
    private String when(AuditEvent e) {
        try {
            return DateTimeFormatter.ISO_INSTANT.format(Instant.parse(e.time()).truncatedTo(ChronoUnit.SECONDS));
        } catch (DateTimeParseException | NullPointerException ex) {
            return code(e.time());
        }
    }

    private static Instant time(AuditEvent e) {
        try {
            return Instant.parse(e.time());
        } catch (DateTimeParseException | NullPointerException ex) {
            return Instant.EPOCH;
        }
    }

    private static String str(AuditEvent e, String key) {
        Object v = e.details().get(key);
        if (v instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
        return v == null ? "" : String.valueOf(v);
    }

    private static long num(AuditEvent e, String key) {
        Object v = e.details().get(key);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v == null ? 0 : Long.parseLong(String.valueOf(v).strip());
        } catch (NumberFormatException ex) {
            return 0;
        }
    }

    /**
     * A value from the trail as an inline code span: redacted, without control or bidi characters,
     * on one line, at most {@value #MAX_VALUE} characters, fenced with more backticks than it
     * holds in a row so it cannot close the span early.
     */
    String code(String value) {
        String text = clean(redact.apply(value == null ? "" : value));
        if (text.length() > MAX_VALUE) {
            text = text.substring(0, MAX_VALUE - 1) + "…";
        }
        if (text.isEmpty()) {
            return "`-`";
        }
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        boolean pad = text.startsWith("`") || text.endsWith("`");
        return fence + (pad ? " " : "") + text + (pad ? " " : "") + fence;
    }

    /** Control characters (C0, DEL, C1) and the bidi controls go; every run of whitespace becomes one space. */
    static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            boolean control = cp < 0x20 || cp >= 0x7f && cp <= 0x9f;
            boolean bidi = cp >= 0x202a && cp <= 0x202e || cp >= 0x2066 && cp <= 0x2069 || cp == 0x200e || cp == 0x200f
                    || cp == 0x061c;
            if (cp == '\n' || cp == '\t' || cp == '\r') {
                sb.append(' ');
            } else if (!control && !bidi) {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString().replaceAll(" {2,}", " ").strip();
    }
}
