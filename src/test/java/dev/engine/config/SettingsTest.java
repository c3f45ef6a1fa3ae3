package dev.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    private ContextMap withEngine(String engineBlock) throws ConfigException {
        return Yamls.load(dir, "stages:\n  a:\n    command: x\nengine:\n" + engineBlock);
    }

    @Test
    void defaults() {
        Settings s = Settings.defaults();
        assertThat(s.executorRetryThreshold()).isEqualTo(3);
        assertThat(s.apiCallBudget()).isEqualTo(3);
        assertThat(s.stageApiCallCap()).isEqualTo(9);
        assertThat(s.aiBranch()).isEqualTo("ai/orchestrator-stage1");
        assertThat(s.maxAttemptsPerRun()).isEqualTo(20);
        assertThat(s.logTailLines()).isEqualTo(100);
        assertThat(s.defaultStageTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.executorCommand()).isEmpty();
        assertThat(s.executorTimeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void resolveWithNothingGivesDefaults() throws Exception {
        assertThat(Settings.resolve(Map.of(), Map.of(), null)).isEqualTo(Settings.defaults());
        assertThat(Settings.resolve(Map.of(), Map.of(), Yamls.load(dir, "stages:\n  a: {command: x}\n")))
                .isEqualTo(Settings.defaults());
    }

    @Test
    void flagBeatsEnvironmentBeatsBlockBeatsDefault() throws Exception {
        ContextMap map = withEngine("""
                  api_call_budget: 5
                  executor_retry_threshold: 6
                  stage_api_call_cap: 7
                """);
        Map<String, String> env = Map.of("API_CALL_BUDGET", "50", "EXECUTOR_RETRY_THRESHOLD", "60");
        Map<String, String> flags = Map.of("api_call_budget", "500");

        Settings s = Settings.resolve(flags, env, map);

        assertThat(s.apiCallBudget()).as("flag").isEqualTo(500);
        assertThat(s.executorRetryThreshold()).as("environment").isEqualTo(60);
        assertThat(s.stageApiCallCap()).as("engine block").isEqualTo(7);
        assertThat(s.logTailLines()).as("default").isEqualTo(100);
    }

    @Test
    void everyFieldCanBeSetFromTheBlock() throws Exception {
        ContextMap map = withEngine("""
                  ai_branch: ai/other
                  max_attempts_per_run: 4
                  log_tail_lines: 40
                  stage_timeout: 1h
                  executor_command: "claude -p"
                  executor_timeout: 90s
                """);
        Settings s = Settings.resolve(Map.of(), Map.of(), map);
        assertThat(s.aiBranch()).isEqualTo("ai/other");
        assertThat(s.maxAttemptsPerRun()).isEqualTo(4);
        assertThat(s.logTailLines()).isEqualTo(40);
        assertThat(s.defaultStageTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(s.executorCommand()).isEqualTo(Optional.of("claude -p"));
        assertThat(s.executorTimeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void blankEnvironmentVariablesCountAsUnset() throws Exception {
        Settings s = Settings.resolve(Map.of(), Map.of("API_CALL_BUDGET", ""), withEngine("  api_call_budget: 1\n"));
        assertThat(s.apiCallBudget()).isEqualTo(1);
    }

    @Test
    void badEngineBlockValueNamesFileAndLine() throws Exception {
        // The loader validates the block too; build a map directly to test Settings' own message.
        ContextMap map = new ContextMap(dir.resolve("context_map.yaml"), java.util.List.of(), java.util.List.of(),
                Map.of(), Map.of("api_call_budget", "x"), Map.of("api_call_budget", 12), java.util.List.of());
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Settings.resolve(Map.of(), Map.of(), map));
        assertThat(e.getMessage()).isEqualTo("context_map.yaml:12: engine.api_call_budget: expected a whole number >= 0, got 'x'");
    }

    @Test
    void theExecutorBaseUrlMustBeAnHttpUrlAndLosesItsTrailingSlash() throws Exception {
        assertThat(Settings.resolve(Map.of(), Map.of("EXECUTOR_BASE_URL", "http://127.0.0.1:11434/v1/"), null).executorBaseUrl())
                .contains("http://127.0.0.1:11434/v1");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Settings.resolve(Map.of(), Map.of("EXECUTOR_BASE_URL", "localhost:11434"), null));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("EXECUTOR_BASE_URL").contains("http://");
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Settings.resolve(Map.of(), Map.of("API_CALL_BUDGET", "lots"), null));
        assertThat(e.getMessage()).isEqualTo("environment variable API_CALL_BUDGET: expected a whole number >= 0, got 'lots'");
    }

    @Test
    void badFlagValueNamesTheFlag() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Settings.resolve(Map.of("api_call_budget", "-1"), Map.of(), null));
        assertThat(e.getMessage()).isEqualTo("flag --api-call-budget: expected a whole number >= 0, got '-1'");
    }

    @Test
    void eachBadValueKind() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Settings.resolve(Map.of(
                "max_attempts_per_run", "0",
                "log_tail_lines", "ten",
                "ai_branch", "feature/x",
                "stage_timeout", "0s",
                "executor_timeout", "later",
                "stage_api_call_cap", "99999999999"), Map.of("AI_BRANCH", "ai/ignored"), null));
        assertThat(e.getMessage().lines()).containsExactly(
                "flag --stage-api-call-cap: expected a whole number >= 0, got '99999999999'",
                "flag --ai-branch: the AI branch must start with 'ai/', got 'feature/x'",
                "flag --max-attempts-per-run: expected a whole number >= 1, got '0'",
                "flag --log-tail-lines: expected a whole number >= 1, got 'ten'",
                "flag --stage-timeout: must be longer than zero, got '0s'",
                "flag --executor-timeout: expected a duration (e.g. 90s, 30m, 1h30m, 500ms), got 'later'");
    }

    @Test
    void aiBranchMustBeAValidRefName() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Settings.resolve(Map.of(), Map.of("AI_BRANCH", "ai/two..dots"), null));
        assertThat(e.getMessage()).isEqualTo("environment variable AI_BRANCH: not a valid git branch name: 'ai/two..dots'");
    }

    @Test
    void unknownFlagKeyIsReported() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Settings.resolve(Map.of("api_budget", "1"), Map.of(), null));
        assertThat(e.getMessage()).startsWith("flag --api-budget: unknown setting").contains("api_call_budget");
    }

    @Test
    void keyNamesDeriveEnvironmentAndFlagNames() {
        assertThat(Settings.STAGE_TIMEOUT.envVar()).isEqualTo("STAGE_TIMEOUT");
        assertThat(Settings.STAGE_TIMEOUT.flag()).isEqualTo("--stage-timeout");
        assertThat(Settings.KEYS).extracting(SettingKey::key).doesNotHaveDuplicates().hasSize(28);
    }
}
