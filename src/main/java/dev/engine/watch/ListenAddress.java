package dev.engine.watch;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --listen HOST:PORT} of watch's HTTP endpoints. IPv6 literals go in brackets
 * ({@code [::1]:8787}); port 0 asks the system for a free port.
 */
public record ListenAddress(String host, int port) {
    private static final Pattern FORM = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]\\s]+):(\\d{1,5})");

    /** @throws IllegalArgumentException with a message for the user */
    public static ListenAddress parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected HOST:PORT (e.g. 127.0.0.1:8787, [::1]:8787, 127.0.0.1:0), got '" + text + "'");
        }
        int port = Integer.parseInt(m.group(2));
        if (port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + port + " in '" + text + "' (e.g. 127.0.0.1:8787)");
        }
        String host = m.group(1);
        return new ListenAddress(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
    }

    /** The address to bind. A host name is resolved here, once. */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** True when the host is a loopback address (127.0.0.0/8, ::1, or a name resolving to one). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code host:port} of a bound socket, IPv6 in brackets, for the start-up line and URLs. */
    public static String format(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }
}
