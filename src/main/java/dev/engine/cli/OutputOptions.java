package dev.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.state.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The output flags of every command that prints a table, spelled as kubectl, flux and talosctl
 * users type them: {@code -o table|wide|json|yaml}, {@code --json} (the engine's older spelling of
 * {@code -o json}, kept for scripts) and {@code --no-headers}.
 */
final class OutputOptions {
    enum Format { TABLE, WIDE, JSON, YAML }

    /** The names shell completion offers for -o (the enum's constants are upper case). */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("table", "wide", "json", "yaml").iterator();
        }
    }

    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an output format; use table, wide, json or yaml");
            }
        }
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", converter = FormatConverter.class,
            completionCandidates = FormatNames.class,
            description = "Output format: table (the default), wide (more columns), json or yaml.")
    Format output;

    @Option(names = "--json", description = "The same as -o json.")
    boolean json;

    @Option(names = "--no-headers", description = "Table rows only, one line each: no header line and no notes below the table.")
    boolean noHeaders;

    /** The format asked for; --json and a different -o together are a usage error (exit 2). */
    Format format() {
        if (json && output != null && output != Format.JSON) {
            throw new CommandLine.ParameterException(mixee.commandLine(),
                    "--json and -o " + output.name().toLowerCase(Locale.ROOT) + " contradict each other; give one of them");
        }
        return json ? Format.JSON : output == null ? Format.TABLE : output;
    }

    boolean headers() {
        return !noHeaders;
    }

    /**
     * {@code value} as YAML with the keys and values its JSON has (the same snake_case names, nulls
     * left out), so a script can switch between the two without renaming anything.
     */
    static String yaml(ObjectMapper mapper, Object value) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(Integer.MAX_VALUE); // long values stay on their line, as in the JSON
        return new Yaml(options).dump(mapper.convertValue(value, Object.class));
    }

    static String yaml(Object value) {
        return yaml(Json.mapper(), value);
    }

    /** One JSON document, in the engine's JSON dialect (state files, /api/status). */
    static String json(Object value) throws IOException {
        return Json.mapper().writeValueAsString(value);
    }
}
