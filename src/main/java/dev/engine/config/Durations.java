package dev.engine.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compact durations as people write them in config and read them in logs: {@code 500ms},
 * {@code 90s}, {@code 1.5s}, {@code 30m}, {@code 1h30m}; a bare integer means seconds, as in
 * the bash loop's {@code timeout} calls.
 */
public final class Durations {
    private static final Pattern BARE_SECONDS = Pattern.compile("\\d+");
    // "ms" must be tried before "m", otherwise "500ms" would read as 500 minutes followed by junk.
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");
    private static final String[] UNIT_ORDER = {"h", "m", "s", "ms"};
    private static final String EXAMPLES = "e.g. 90s, 30m, 1h30m, 500ms";

    private Durations() {}

    /**
     * Parses a compact duration.
     *
     * @throws IllegalArgumentException with a message fit to show the user
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected a duration (" + EXAMPLES + "), got nothing");
        }
        String s = text.strip();
        try {
            if (BARE_SECONDS.matcher(s).matches()) {
                return Duration.ofSeconds(Long.parseLong(s));
            }
            Matcher m = PART.matcher(s);
            Duration total = Duration.ZERO;
            int pos = 0;
            int lastUnit = -1;
            while (pos < s.length()) {
                if (!m.find(pos) || m.start() != pos) {
                    throw bad(text);
                }
                String unit = m.group(2);
                int unitIndex = indexOf(unit);
                // Units must go from largest to smallest, once each: "30m1h" or "1m1m" are typos.
                if (unitIndex <= lastUnit) {
                    throw bad(text);
                }
                lastUnit = unitIndex;
                String number = m.group(1);
                if (number.contains(".") && !unit.equals("s")) {
                    throw new IllegalArgumentException(
                            "only seconds may have a fraction (e.g. 1.5s); got '" + text + "'");
                }
                total = total.plus(amount(number, unit));
                pos = m.end();
            }
            return total;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration is too large: '" + text + "'");
        }
    }

    /** Compact text for logs: {@code 120ms}, {@code 1.2s}, {@code 45s}, {@code 1m30s}, {@code 2h}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long millis = d.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis < 60_000) {
            long tenths = (millis % 1000) / 100;
            return millis / 1000 + (tenths == 0 ? "" : "." + tenths) + "s";
        }
        // Past a minute nobody reads sub-second detail, so it is dropped rather than rounded.
        long seconds = d.getSeconds();
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(m).append('m');
        }
        if (s > 0) {
            out.append(s).append('s');
        }
        return out.toString();
    }

    private static Duration amount(String number, String unit) {
        switch (unit) {
            case "h":
                return Duration.ofHours(Long.parseLong(number));
            case "m":
                return Duration.ofMinutes(Long.parseLong(number));
            case "ms":
                return Duration.ofMillis(Long.parseLong(number));
            default:
                BigDecimal millis = new BigDecimal(number).movePointRight(3);
                if (millis.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException(
                            "durations are counted in whole milliseconds; got '" + number + "s'");
                }
                return Duration.ofMillis(millis.longValueExact());
        }
    }

    private static int indexOf(String unit) {
        for (int i = 0; i < UNIT_ORDER.length; i++) {
            if (UNIT_ORDER[i].equals(unit)) {
                return i;
            }
        }
        throw new IllegalStateException(unit);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("expected a duration (" + EXAMPLES + "), got '" + text + "'");
    }
}
