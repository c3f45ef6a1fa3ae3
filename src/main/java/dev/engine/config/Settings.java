package dev.engine.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Repository;

/**
 * The engine's tunables after precedence is applied: flag, then environment, then the
 * {@code engine:} block of {@code context_map.yaml}, then the default.
 *
 * <p>To add a setting: add a {@link SettingKey} constant, list it in {@link #KEYS}, and add its
 * accessor. Values are held by key, so nothing is ever filled in by position.
 */
public final class Settings {

    public static final SettingKey<Integer> EXECUTOR_RETRY_THRESHOLD =
            new SettingKey<>("executor_retry_threshold", "3", wholeNumber(0));
    public static final SettingKey<Integer> API_CALL_BUDGET =
            new SettingKey<>("api_call_budget", "3", wholeNumber(0));
    public static final SettingKey<Integer> STAGE_API_CALL_CAP =
            new SettingKey<>("stage_api_call_cap", "9", wholeNumber(0));
    public static final SettingKey<String> AI_BRANCH =
            new SettingKey<>("ai_branch", "ai/orchestrator-stage1", Settings::aiBranchName);
    public static final SettingKey<Integer> MAX_ATTEMPTS_PER_RUN =
            new SettingKey<>("max_attempts_per_run", "20", wholeNumber(1));
    public static final SettingKey<Integer> LOG_TAIL_LINES =
            new SettingKey<>("log_tail_lines", "100", wholeNumber(1));
    public static final SettingKey<Duration> STAGE_TIMEOUT =
            new SettingKey<>("stage_timeout", "30m", Settings::positiveDuration);
    public static final SettingKey<Optional<String>> EXECUTOR_COMMAND =
            new SettingKey<>("executor_command", "", Settings::optionalCommand);
    public static final SettingKey<Duration> EXECUTOR_TIMEOUT =
            new SettingKey<>("executor_timeout", "10m", Settings::positiveDuration);
    /** Empty: the user's default keys, ~/.ssh/id_ed25519, id_ecdsa, id_rsa (those that exist). */
    public static final SettingKey<Optional<Path>> SSH_IDENTITY_FILE =
            new SettingKey<>("ssh_identity_file", "", Settings::optionalPath);
    public static final SettingKey<Path> SSH_KNOWN_HOSTS =
            new SettingKey<>("ssh_known_hosts", "~/.ssh/known_hosts", Settings::path);
    public static final SettingKey<Duration> SSH_CONNECT_TIMEOUT =
            new SettingKey<>("ssh_connect_timeout", "15s", Settings::positiveDuration);

    /** none | command | openai; auto picks command when EXECUTOR_COMMAND is set, else none. */
    public static final SettingKey<String> EXECUTOR_KIND =
            new SettingKey<>("executor_kind", "auto", Settings::executorKindName);
    public static final SettingKey<Optional<String>> EXECUTOR_BASE_URL =
            new SettingKey<>("executor_base_url", "", raw -> raw.isBlank() ? Optional.empty() : Optional.of(httpUrl(raw)));
    public static final SettingKey<Optional<String>> EXECUTOR_MODEL =
            new SettingKey<>("executor_model", "", Settings::optionalCommand);
    /** The only variables an executor command sees (I9); API keys never pass, whatever this says. */
    public static final SettingKey<List<String>> EXECUTOR_ENV =
            new SettingKey<>("executor_env", "PATH,HOME,USER,LOGNAME,LANG,LC_ALL,TERM,TMPDIR,TZ", Settings::nameList);
    public static final SettingKey<Integer> EXECUTOR_OUTPUT_CAP =
            new SettingKey<>("executor_output_cap", "1m", Settings::byteSize);
    public static final SettingKey<Integer> CASE_TOKEN_BUDGET =
            new SettingKey<>("case_token_budget", "24000", wholeNumber(2000));
    public static final SettingKey<String> OPENAI_BASE_URL =
            new SettingKey<>("openai_base_url", "https://api.openai.com/v1", Settings::httpUrl);
    public static final SettingKey<String> OPENAI_MODEL =
            new SettingKey<>("openai_model", "gpt-4o", Settings::nonBlank);
    public static final SettingKey<Duration> OPENAI_TIMEOUT =
            new SettingKey<>("openai_timeout", "120s", Settings::positiveDuration);
    /** Retries of transport failures (connection, 429, 5xx); they do not count against the call budget. */
    public static final SettingKey<Integer> OPENAI_MAX_RETRIES =
            new SettingKey<>("openai_max_retries", "3", wholeNumber(0));
    public static final SettingKey<Duration> DIAGNOSTICS_TIMEOUT =
            new SettingKey<>("diagnostics_timeout", "60s", Settings::positiveDuration);
    public static final SettingKey<Integer> DIAGNOSTICS_OUTPUT_CAP =
            new SettingKey<>("diagnostics_output_cap", "64k", Settings::byteSize);

    /** Where `engine watch` POSTs its notifications (give_up, drift, a commit waiting for review); empty: none. */
    public static final SettingKey<Optional<String>> NOTIFY_WEBHOOK_URL =
            new SettingKey<>("notify_webhook_url", "", Settings::optionalWebhookUrl);

    /**
     * Which AI commits a stage runs before a human approves them (DESIGN.md §8 review gate):
     * declarative (data files re-run at once; code waits), all (opt-in; code runs sandboxed), none.
     */
    public static final SettingKey<String> AUTO_RUN =
            new SettingKey<>("auto_run", "declarative", Settings::autoRunName);
    /** The bubblewrap program ("bwrap" on PATH, a path), or "off" for no sandbox anywhere. */
    public static final SettingKey<String> SANDBOX_BWRAP =
            new SettingKey<>("sandbox_bwrap", "bwrap", Settings::nonBlank);
    /** Paths besides its scratch clone the executor may write (e.g. ~/.codex for Codex CLI's session files). */
    public static final SettingKey<List<String>> EXECUTOR_WRITABLE =
            new SettingKey<>("executor_writable", "", Settings::pathList);

    /** Every setting, in the order `engine config` should show them. */
    public static final List<SettingKey<?>> KEYS = List.of(
            EXECUTOR_RETRY_THRESHOLD, API_CALL_BUDGET, STAGE_API_CALL_CAP, AI_BRANCH, MAX_ATTEMPTS_PER_RUN,
            LOG_TAIL_LINES, STAGE_TIMEOUT, EXECUTOR_COMMAND, EXECUTOR_TIMEOUT, EXECUTOR_KIND, EXECUTOR_BASE_URL,
            EXECUTOR_MODEL, EXECUTOR_ENV, EXECUTOR_OUTPUT_CAP, CASE_TOKEN_BUDGET, OPENAI_BASE_URL, OPENAI_MODEL,
            OPENAI_TIMEOUT, OPENAI_MAX_RETRIES, DIAGNOSTICS_TIMEOUT, DIAGNOSTICS_OUTPUT_CAP, SSH_IDENTITY_FILE,
            SSH_KNOWN_HOSTS, SSH_CONNECT_TIMEOUT, NOTIFY_WEBHOOK_URL, AUTO_RUN, SANDBOX_BWRAP, EXECUTOR_WRITABLE);

    private final Map<SettingKey<?>, Object> values;

    private Settings(Map<SettingKey<?>, Object> values) {
        this.values = Map.copyOf(values);
    }

    @SuppressWarnings("unchecked")
    private <T> T get(SettingKey<T> key) {
        return (T) values.get(key);
    }

    public int executorRetryThreshold() {
        return get(EXECUTOR_RETRY_THRESHOLD);
    }

    public int apiCallBudget() {
        return get(API_CALL_BUDGET);
    }

    public int stageApiCallCap() {
        return get(STAGE_API_CALL_CAP);
    }

    public String aiBranch() {
        return get(AI_BRANCH);
    }

    public int maxAttemptsPerRun() {
        return get(MAX_ATTEMPTS_PER_RUN);
    }

    public int logTailLines() {
        return get(LOG_TAIL_LINES);
    }

    public Duration defaultStageTimeout() {
        return get(STAGE_TIMEOUT);
    }

    public Optional<String> executorCommand() {
        return get(EXECUTOR_COMMAND);
    }

    public Duration executorTimeout() {
        return get(EXECUTOR_TIMEOUT);
    }

    public String executorKind() {
        return get(EXECUTOR_KIND);
    }

    public Optional<String> executorBaseUrl() {
        return get(EXECUTOR_BASE_URL);
    }

    public Optional<String> executorModel() {
        return get(EXECUTOR_MODEL);
    }

    public List<String> executorEnv() {
        return get(EXECUTOR_ENV);
    }

    public int executorOutputCap() {
        return get(EXECUTOR_OUTPUT_CAP);
    }

    public int caseTokenBudget() {
        return get(CASE_TOKEN_BUDGET);
    }

    public String openaiBaseUrl() {
        return get(OPENAI_BASE_URL);
    }

    public String openaiModel() {
        return get(OPENAI_MODEL);
    }

    public Duration openaiTimeout() {
        return get(OPENAI_TIMEOUT);
    }

    public int openaiMaxRetries() {
        return get(OPENAI_MAX_RETRIES);
    }

    public Duration diagnosticsTimeout() {
        return get(DIAGNOSTICS_TIMEOUT);
    }

    public int diagnosticsOutputCap() {
        return get(DIAGNOSTICS_OUTPUT_CAP);
    }

    public Optional<Path> sshIdentityFile() {
        return get(SSH_IDENTITY_FILE);
    }

    public Path sshKnownHosts() {
        return get(SSH_KNOWN_HOSTS);
    }

    public Duration sshConnectTimeout() {
        return get(SSH_CONNECT_TIMEOUT);
    }

    public Optional<String> notifyWebhookUrl() {
        return get(NOTIFY_WEBHOOK_URL);
    }

    public String autoRun() {
        return get(AUTO_RUN);
    }

    public String sandboxBwrap() {
        return get(SANDBOX_BWRAP);
    }

    public List<String> executorWritable() {
        return get(EXECUTOR_WRITABLE);
    }


    /** The executor kind after {@code auto} is resolved. */
    public String effectiveExecutorKind() {
        if (!executorKind().equals("auto")) {
            return executorKind();
        }
        return executorCommand().isPresent() ? "command" : "none";
    }

    public static Optional<SettingKey<?>> key(String name) {
        return KEYS.stream().filter(k -> k.key().equals(name)).findFirst();
    }

    public static Settings defaults() {
        Map<SettingKey<?>, Object> values = new LinkedHashMap<>();
        for (SettingKey<?> key : KEYS) {
            values.put(key, key.parse(key.defaultValue()));
        }
        return from(values);
    }

    /**
     * Applies precedence flag &gt; environment &gt; engine block &gt; default.
     *
     * @param flags settings given on the command line, keyed by engine-block key (e.g. {@code api_call_budget})
     * @param env the process environment; blank variables count as unset, as in the bash loop's {@code ${X:-default}}
     * @param map the loaded context map, or null when there is none yet
     * @throws ConfigException naming where each bad value came from
     */
    public static Settings resolve(Map<String, String> flags, Map<String, String> env, ContextMap map)
            throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        for (String flag : flags.keySet()) {
            if (key(flag).isEmpty()) {
                problems.add(new ConfigProblem(null, 0, "flag --" + flag.replace('_', '-'),
                        "unknown setting; known settings: "
                                + KEYS.stream().map(SettingKey::key).collect(Collectors.joining(", "))));
            }
        }
        Map<SettingKey<?>, Object> values = new LinkedHashMap<>();
        for (SettingKey<?> key : KEYS) {
            String raw;
            ConfigProblem where;
            String envValue = env.get(key.envVar());
            if (flags.containsKey(key.key())) {
                raw = flags.get(key.key());
                where = new ConfigProblem(null, 0, "flag " + key.flag(), "");
            } else if (envValue != null && !envValue.isBlank()) {
                raw = envValue;
                where = new ConfigProblem(null, 0, "environment variable " + key.envVar(), "");
            } else if (map != null && map.engineBlock().containsKey(key.key())) {
                raw = map.engineBlock().get(key.key());
                where = new ConfigProblem(map.file(), map.engineLine(key.key()), "engine." + key.key(), "");
            } else {
                raw = key.defaultValue();
                where = new ConfigProblem(null, 0, "default " + key.key(), "");
            }
            try {
                values.put(key, key.parse(raw == null ? "" : raw));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(where.file(), where.line(), where.field(), e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return from(values);
    }

    private static Settings from(Map<SettingKey<?>, Object> v) {
        return new Settings(v);
    }

    // ---- parsers: each message completes "<where>: " ----

    private static Function<String, Integer> wholeNumber(int min) {
        return raw -> {
            String s = raw.strip();
            try {
                if (s.matches("[+-]?\\d+")) {
                    int n = Integer.parseInt(s);
                    if (n >= min) {
                        return n;
                    }
                }
            } catch (NumberFormatException tooBig) {
                // falls through to the same message: the user needs the allowed range either way
            }
            throw new IllegalArgumentException("expected a whole number >= " + min + ", got '" + raw + "'");
        };
    }

    private static Duration positiveDuration(String raw) {
        Duration d = Durations.parse(raw);
        if (d.isZero()) {
            throw new IllegalArgumentException("must be longer than zero, got '" + raw + "'");
        }
        return d;
    }

    private static Optional<String> optionalCommand(String raw) {
        return raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
    }

    private static String executorKindName(String raw) {
        String k = raw.strip().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "none", "command", "openai").contains(k)) {
            throw new IllegalArgumentException("expected one of auto, none, command, openai; got '" + raw + "'");
        }
        return k;
    }

    private static String autoRunName(String raw) {
        String k = raw.strip().toLowerCase(Locale.ROOT);
        if (!List.of("declarative", "all", "none").contains(k)) {
            throw new IllegalArgumentException("expected one of declarative, all, none; got '" + raw + "'");
        }
        return k;
    }

    /** Comma-separated absolute paths or paths starting with ~/, kept as written (expanded where used). */
    private static List<String> pathList(String raw) {
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (!(p.startsWith("/") || p.equals("~") || p.startsWith("~/")) || p.equals("/")) {
                throw new IllegalArgumentException("'" + p + "' must be an absolute path or start with ~/");
            }
            out.add(p);
        }
        return out;
    }

    private static List<String> nameList(String raw) {
        List<String> names = new ArrayList<>();
        for (String part : raw.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!part.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("'" + part + "' is not an environment variable name");
            }
            names.add(part);
        }
        return names;
    }

    /** Bytes, with an optional k or m suffix (binary): 65536, 64k, 1m. */
    private static Integer byteSize(String raw) {
        String s = raw.strip().toLowerCase(Locale.ROOT);
        Matcher m = Pattern.compile("(\\d{1,7})\\s*(k|kb|kib|m|mb|mib)?").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 65536, 64k or 1m, got '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1);
        long bytes = switch (unit) {
            case "k" -> n * 1024;
            case "m" -> n * 1024 * 1024;
            default -> n;
        };
        if (bytes < 1024 || bytes > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("must be between 1k and 256m, got '" + raw + "'");
        }
        return (int) bytes;
    }

    private static String httpUrl(String raw) {
        String s = raw.strip();
        if (!s.matches("https?://[^\\s]+")) {
            throw new IllegalArgumentException("expected an http:// or https:// URL, got '" + raw + "'");
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String nonBlank(String raw) {
        if (raw.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return raw.strip();
    }

    private static Optional<Path> optionalPath(String raw) {
        return raw.isBlank() ? Optional.empty() : Optional.of(path(raw));
    }

    /**
     * An absolute path; {@code ~/} means the user's home. A relative path would depend on the
     * directory the engine happens to start in, so it is refused.
     */
    private static Path path(String raw) {
        String s = raw.strip();
        if (s.equals("~") || s.startsWith("~/")) {
            s = System.getProperty("user.home") + s.substring(1);
        }
        try {
            Path p = Path.of(s);
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("expected an absolute path or one starting with ~/, got '" + raw + "'");
            }
            return p.normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a valid path: '" + raw + "'");
        }
    }

    /**
     * Webhook URLs (Slack, ntfy, Matrix hooks) often carry a secret token in the path, so the
     * message names what is wrong without echoing the value.
     */
    private static Optional<String> optionalWebhookUrl(String raw) {
        if (raw.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(raw.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected an http:// or https:// URL with a host"
                    + (scheme.isEmpty() ? "" : ", got a " + scheme + ": URL"));
        }
        return Optional.of(uri.toString());
    }

    private static String aiBranchName(String raw) {
        String name = raw.strip();
        // The engine force-resets this branch; keeping it under ai/ stops it from clobbering main.
        if (!name.startsWith("ai/")) {
            throw new IllegalArgumentException("the AI branch must start with 'ai/', got '" + raw + "'");
        }
        if (!Repository.isValidRefName("refs/heads/" + name)) {
            throw new IllegalArgumentException("not a valid git branch name: '" + raw + "'");
        }
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "Settings" + values;
    }
}
