package dev.engine.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON dialect of the engine's files: snake_case, stable order, pretty, nulls left out. */
public final class Json {
    private Json() {}

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setDefaultPrettyPrinter(jqStyle())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * The style of {@code jq .}, which the bash loop wrote its state files with: two-space indent,
     * {@code "key": value}, one array item per line, {@code {}} and {@code []} when empty. A state
     * file a user keeps in git then changes by the lines that changed, not as a whole.
     */
    static DefaultPrettyPrinter jqStyle() {
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter p = new DefaultPrettyPrinter().withSeparators(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
        p.indentObjectsWith(indent);
        p.indentArraysWith(indent);
        return p;
    }
}
