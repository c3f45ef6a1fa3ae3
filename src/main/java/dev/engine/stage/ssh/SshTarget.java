package dev.engine.stage.ssh;

import java.util.regex.Pattern;

/**
 * Where an SSH stage runs: the {@code host:} value of a stage, {@code user@host[:port]}.
 * An IPv6 address is written in brackets ({@code root@[fd00::1]:2222}), as OpenSSH writes it in
 * known_hosts.
 */
public record SshTarget(String user, String host, int port) {
    public static final int DEFAULT_PORT = 22;

    // Conservative on purpose: these names end up in the commands the error messages suggest.
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?");
    private static final String EXAMPLE = "expected user@host[:port], e.g. root@pve.lan or admin@10.0.0.5:2222";

    public SshTarget {
        if (user == null || !USER.matcher(user).matches()) {
            throw new IllegalArgumentException("invalid SSH user '" + user + "'; " + EXAMPLE);
        }
        if (host == null || !(HOST_NAME.matcher(host).matches() || (host.contains(":") && IPV6.matcher(host).matches()))) {
            throw new IllegalArgumentException("invalid SSH host '" + host + "'; " + EXAMPLE);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SSH port must be 1-65535, got " + port);
        }
    }

    /**
     * Reads {@code user@host[:port]}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}
     */
    public static SshTarget parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty SSH host; " + EXAMPLE);
        }
        String s = spec.strip();
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new IllegalArgumentException("'" + spec + "' has no user; " + EXAMPLE);
        }
        String user = s.substring(0, at);
        String rest = s.substring(at + 1);
        String host;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + spec + "' has an unclosed '['; " + EXAMPLE);
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("'" + spec + "': unexpected '" + after + "' after ']'; " + EXAMPLE);
                }
                port = after.substring(1);
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("'" + spec + "': write an IPv6 address in brackets, e.g. "
                        + user + "@[" + rest + "]");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            port = colon < 0 ? null : rest.substring(colon + 1);
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            if (!port.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("'" + spec + "': port '" + port + "' is not a number; " + EXAMPLE);
            }
            portNumber = Integer.parseInt(port);
        }
        return new SshTarget(user, host, portNumber);
    }

    /** The host as known_hosts names it: {@code host} on port 22, {@code [host]:port} otherwise. */
    public String knownHostsName() {
        return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
    }

    /** {@code host:port}, bracketed for IPv6. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return user + "@" + address();
    }
}
