package dev.engine.patch;

import java.util.Locale;

/** Path names as a human must see them in a refusal: look-alike characters spelled out, never rendered. */
final class Names {
    private Names() {}

    /** Index of the first character outside printable ASCII (space to '~'), or -1. */
    static int firstNonAscii(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c > 0x7e) return i;
        }
        return -1;
    }

    /** The path with every non-ASCII character written as backslash-u{XXXX}, so a look-alike letter shows what it is. */
    static String visible(String path) {
        if (firstNonAscii(path) < 0) return path;
        StringBuilder sb = new StringBuilder(path.length() + 16);
        path.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp <= 0x7e) {
                sb.appendCodePoint(cp);
            } else {
                sb.append("\\u{").append(Integer.toHexString(cp).toUpperCase(Locale.ROOT)).append('}');
            }
        });
        return sb.toString();
    }

    /** "U+0435 (CYRILLIC SMALL LETTER IE)". */
    static String describe(int codePoint) {
        String name = Character.getName(codePoint);
        return String.format(Locale.ROOT, "U+%04X", codePoint) + (name == null ? "" : " (" + name + ")");
    }
}
