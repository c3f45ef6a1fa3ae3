package dev.engine.fingerprint;

import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands a failure template into one concrete log, filling placeholders with random
 * run-specific noise so that variants of the same failure differ the way real runs do.
 *
 * <p>Placeholders: {@code {ts} {syslog} {klog} {ip} {ip6} {port} {dur} {pid} {rs} {job}
 * {tmp} {hex} {uuid} {size} {uptime} {k}} (a counter that grows on each repeated line). Line directives:
 * a line starting with {@code {repeat}} is emitted 1..6 times, one starting with
 * {@code {progress}} becomes a carriage-return progress bar ending at 100%. Whole-log
 * variations: ANSI colour on error words, CRLF endings, extra blank lines.
 */
final class NoisyTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final String POD_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final String template;

    NoisyTemplate(String template) {
        this.template = template;
    }

    String render(long seed) {
        Random random = new Random(seed);
        boolean colour = random.nextBoolean();
        boolean crlf = random.nextInt(3) == 0;
        StringBuilder out = new StringBuilder();
        int[] counter = {0};
        for (String line : template.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int times = 1;
            if (line.startsWith("{repeat}")) {
                line = line.substring("{repeat}".length());
                times = 1 + random.nextInt(6);
            }
            for (int t = 0; t < times; t++) {
                counter[0]++;
                String text;
                if (line.startsWith("{progress}")) {
                    text = progress(line.substring("{progress}".length()), random);
                } else {
                    text = fill(line, random, counter[0]);
                }
                if (colour) {
                    text = text.replace("Error", "\u001B[1;31mError\u001B[0m")
                            .replace("error:", "\u001B[31merror:\u001B[0m");
                }
                out.append(text).append(crlf ? "\r\n" : "\n");
                if (random.nextInt(8) == 0) {
                    out.append(crlf ? "\r\n" : "\n");
                }
            }
        }
        return out.toString();
    }

    private static String progress(String label, Random random) {
        StringBuilder bar = new StringBuilder();
        int steps = 1 + random.nextInt(5);
        for (int i = 1; i <= steps; i++) {
            int pct = i == steps ? 100 : random.nextInt(100);
            bar.append(label).append(' ').append(pct).append("% ")
                    .append(size(random)).append(" / ").append(size(random)).append('\r');
        }
        return bar.append("\u001B[K").toString();
    }

    private static String fill(String line, Random random, int counter) {
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(value(m.group(1), random, counter)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String value(String name, Random r, int counter) {
        return switch (name) {
            case "ts" -> String.format("2026-%02d-%02dT%02d:%02d:%02d%s", 1 + r.nextInt(12), 1 + r.nextInt(28),
                    r.nextInt(24), r.nextInt(60), r.nextInt(60),
                    r.nextBoolean() ? "Z" : String.format(".%03d+01:00", r.nextInt(1000)));
            case "syslog" -> String.format("%s %2d %02d:%02d:%02d",
                    new String[] {"Jan", "Feb", "Nov", "Dec"}[r.nextInt(4)], 1 + r.nextInt(28),
                    r.nextInt(24), r.nextInt(60), r.nextInt(60));
            case "klog" -> String.format("%02d%02d %02d:%02d:%02d.%06d %" + (1 + r.nextInt(8)) + "d",
                    1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60),
                    r.nextInt(1_000_000), 1 + r.nextInt(99999));
            case "ip" -> "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
            case "ip6" -> "fd00::" + Integer.toHexString(1 + r.nextInt(0xffff));
            case "port" -> Integer.toString(32768 + r.nextInt(28000));
            case "dur" -> switch (r.nextInt(4)) {
                case 0 -> r.nextInt(60) + "." + r.nextInt(1000) + "s";
                case 1 -> (1 + r.nextInt(59)) + "m" + r.nextInt(60) + "s";
                case 2 -> r.nextInt(1000) + "ms";
                default -> (1 + r.nextInt(5)) + "h";
            };
            case "uptime" -> String.format("%6d.%06d", r.nextInt(100_000), r.nextInt(1_000_000));
            case "pid" -> Integer.toString(2 + r.nextInt(400_000));
            case "rs" -> podChars(r, 9 + r.nextInt(2), true) + "-" + podChars(r, 5, false);
            case "job" -> podChars(r, 5, false);
            case "tmp" -> switch (r.nextInt(3)) {
                case 0 -> "/tmp/tmp." + podChars(r, 10, true).toUpperCase();
                case 1 -> "/tmp/engine-" + r.nextInt(99999);
                default -> "/tmp/junit" + (1_000_000 + r.nextInt(9_000_000));
            };
            case "hex" -> hex(r, 32);
            case "uuid" -> new java.util.UUID(r.nextLong(), r.nextLong()).toString();
            case "size" -> size(r);
            case "k" -> Integer.toString(counter);
            default -> throw new IllegalArgumentException("unknown placeholder {" + name + "}");
        };
    }

    private static String size(Random r) {
        return r.nextInt(900) + "." + r.nextInt(10) + " MiB";
    }

    private static String hex(Random r, int bytes) {
        byte[] b = new byte[bytes];
        r.nextBytes(b);
        b[0] = 0x12; // guarantees a digit, as real ids practically always have
        return HexFormat.of().formatHex(b);
    }

    private static String podChars(Random r, int n, boolean withDigit) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(POD_ALPHABET.charAt(r.nextInt(POD_ALPHABET.length())));
        }
        if (withDigit) {
            sb.setCharAt(0, '7');
        }
        return sb.toString();
    }
}
