package dev.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "500ms, 500",
        "90s, 90000",
        "30m, 1800000",
        "1h, 3600000",
        "1h30m, 5400000",
        "2m30s, 150000",
        "1.5s, 1500",
        "45, 45000",
        "' 10s ', 10000",
        "1h0m5s, 3605000",
    })
    void parses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "soon", "1d", "30m1h", "1m1m", "-5s", "1.5m", "1.0005s", "5 m", "m", "99999999999999999999h"})
    void rejectsWithAHumanMessage(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("Exception");
    }

    @Test
    void rejectMessageShowsExamplesAndInput() {
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessage("expected a duration (e.g. 90s, 30m, 1h30m, 500ms), got 'soon'");
    }

    @ParameterizedTest
    @CsvSource({
        "120, 120ms",
        "0, 0ms",
        "1200, 1.2s",
        "1299, 1.2s",
        "45000, 45s",
        "90000, 1m30s",
        "3600000, 1h",
        "5400000, 1h30m",
        "3605000, 1h5s",
        "90500, 1m30s",
    })
    void formatsCompactly(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "1.2s", "59s", "1m30s", "1h", "1h30m", "2h1m1s"})
    void formatThenParseRoundTrips(String text) {
        Duration d = Durations.parse(text);
        assertThat(Durations.format(d)).isEqualTo(text);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @Test
    void negativeDurationsFormatWithASign() {
        assertThat(Durations.format(Duration.ofSeconds(-90))).isEqualTo("-1m30s");
    }
}
