package dev.engine.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One engine setting: its name in the {@code engine:} block and in flag maps, and how to read it.
 * The environment variable and the flag spelling are derived from the key so they cannot drift apart.
 *
 * @param defaultValue the default, written as a user would write it, so it goes through the same parser
 * @param parser turns text into the value; throws IllegalArgumentException with a message for the user
 */
public record SettingKey<T>(String key, String defaultValue, Function<String, T> parser) {

    public String envVar() {
        return key.toUpperCase(Locale.ROOT);
    }

    public String flag() {
        return "--" + key.replace('_', '-');
    }

    public T parse(String raw) {
        return parser.apply(raw);
    }
}
