package dev.engine.escalation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelSettingsTest {
    static final Duration T = Duration.ofSeconds(30);

    @Test
    void toStringNeverShowsTheKey() {
        ModelSettings s = new ModelSettings("https://user:pw@proxy.lan/v1/", "sk-proj-abcdef123456", "gpt-4o", T, 3);
        assertThat(s.toString()).doesNotContain("sk-proj").doesNotContain("abcdef").doesNotContain("pw")
                .contains("apiKey=(set)").contains("https://proxy.lan/v1");
        assertThat(s.baseUrl()).isEqualTo("https://user:pw@proxy.lan/v1");
    }

    @Test
    void blankBaseUrlMeansOpenAi() {
        assertThat(new ModelSettings(" ", null, "gpt-4o", T, 0).baseUrl()).isEqualTo(ModelSettings.DEFAULT_BASE_URL);
        assertThat(new ModelSettings(null, null, "gpt-4o", T, 0).hasApiKey()).isFalse();
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> new ModelSettings("ftp://x/v1", null, "m", T, 0)).hasMessageContaining("OPENAI_BASE_URL");
        assertThatThrownBy(() -> new ModelSettings("http://a b/v1", null, "m", T, 0))
                .hasMessageContaining("OPENAI_BASE_URL");
        assertThatThrownBy(() -> new ModelSettings("ftp://me:secret@x/v1", null, "m", T, 0))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        assertThatThrownBy(() -> new ModelSettings(null, "sk-abc\ndef", "m", T, 0))
                .hasMessageContaining("OPENAI_API_KEY").satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk-abc"));
        assertThat(new ModelSettings(null, " sk-abc\n", "m", T, 0).apiKey()).isEqualTo("sk-abc");
        assertThatThrownBy(() -> new ModelSettings(null, null, " ", T, 0)).hasMessageContaining("OPENAI_MODEL");
        assertThatThrownBy(() -> new ModelSettings(null, null, "m", Duration.ZERO, 0)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new ModelSettings(null, null, "m", T, -1)).hasMessageContaining("maxRetries");
    }
}
