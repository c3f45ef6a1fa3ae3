package dev.engine.console;

import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The console's security rules (DESIGN.md §9), one method per kind of request:
 * <ul>
 *   <li>on loopback, a page may be read without the token, but only under a loopback Host name
 *       (a page of another site whose name resolves to 127.0.0.1 cannot read it: DNS rebinding);</li>
 *   <li>on any other address, every page needs the token;</li>
 *   <li>an action needs POST, an Origin equal to the console's own, and the token.</li>
 * </ul>
 * The token comes as the cookie the login URL sets ({@code HttpOnly}, {@code SameSite=Strict}) or as
 * {@code Authorization: Bearer}.
 */
final class Guard {
    private final ConsoleToken token;
    private final boolean remote;
    private final IntSupplier port;

    Guard(ConsoleToken token, boolean remote, IntSupplier port) {
        this.token = token;
        this.remote = remote;
        this.port = port;
    }

    /** The cookie's name carries the port: browsers share cookies between the ports of one host. */
    String cookieName() {
        return "engine_console_" + port.getAsInt();
    }

    boolean hasToken(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && token.matches(auth.substring(7).strip())) {
            return true;
        }
        return token.matches(cookie(ex, cookieName()));
    }

    boolean matches(String candidate) {
        return token.matches(candidate);
    }

    /** Why a page (or the data endpoints) may not be read by this request; empty when it may. */
    Optional<String> refusePage(HttpExchange ex) {
        if (remote) {
            return hasToken(ex) ? Optional.empty()
                    : Optional.of("this console listens beyond loopback, so every page needs the token: open the URL engine printed at start");
        }
        return badHost(ex);
    }

    /** Why an action may not be taken by this request; empty when it may. */
    Optional<String> refuseAction(HttpExchange ex) {
        if (!"POST".equals(ex.getRequestMethod())) {
            return Optional.of("actions are POST only");
        }
        Optional<String> host = remote ? Optional.empty() : badHost(ex);
        if (host.isPresent()) {
            return host;
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        String hostHeader = ex.getRequestHeaders().getFirst("Host");
        // https too: beyond loopback the console belongs behind a TLS proxy that passes the Host on.
        if (origin == null || hostHeader == null || !(origin.equalsIgnoreCase("http://" + hostHeader.strip())
                || (remote && origin.equalsIgnoreCase("https://" + hostHeader.strip())))) {
            return Optional.of("the request does not come from a page of this console (Origin " + (origin == null ? "missing" : "'" + origin + "'") + ")");
        }
        if (!hasToken(ex)) {
            return Optional.of("actions need the console token: open the URL engine printed at start");
        }
        return Optional.empty();
    }

    /** Host must name this listener by a loopback name: 127.0.0.0/8, [::1] or localhost, and its port. */
    private Optional<String> badHost(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null) {
            return Optional.of("no Host header");
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        String name;
        String portText;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return Optional.of("bad Host header");
            }
            name = h.substring(0, end + 1);
            portText = h.length() > end + 1 && h.charAt(end + 1) == ':' ? h.substring(end + 2) : "";
        } else {
            int colon = h.lastIndexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            portText = colon < 0 ? "" : h.substring(colon + 1);
        }
        int p;
        try {
            p = portText.isEmpty() ? 80 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            return Optional.of("bad Host header");
        }
        boolean loopbackName = name.equals("localhost") || name.equals("[::1]") || name.matches("127(\\.\\d{1,3}){3}");
        if (!loopbackName || p != port.getAsInt()) {
            return Optional.of("Host '" + host.strip() + "' is not this console's loopback address");
        }
        return Optional.empty();
    }

    static String cookie(HttpExchange ex, String name) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                    return part.substring(eq + 1).strip();
                }
            }
        }
        return null;
    }
}
