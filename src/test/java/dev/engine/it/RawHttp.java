package dev.engine.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand over a loopback socket, so a test can send exactly the Host, Origin and
 * Cookie headers an attacker's browser or script would (java.net.http will not set Host).
 */
final class RawHttp {
    record Response(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    Response get(String path, String... headers) throws IOException {
        return send("GET", path, null, headers);
    }

    Response post(String path, String form, String... headers) throws IOException {
        return send("POST", path, form, headers);
    }

    /** @param headers name, value, name, value...; a Host given here replaces the default */
    Response send(String method, String path, String body, String... headers) throws IOException {
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean host = false;
        for (int i = 0; i < headers.length; i += 2) {
            host |= headers[i].equalsIgnoreCase("Host");
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!host) {
            req.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            req.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(b.length).append("\r\n");
        }
        req.append("Connection: close\r\n\r\n");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(b);
            out.flush();
            return parse(s.getInputStream());
        }
    }

    private static Response parse(InputStream in) throws IOException {
        String status = line(in);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l; !(l = line(in)).isEmpty(); ) {
            int c = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, c).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(l.substring(c + 1).strip());
        }
        String len = headers.containsKey("content-length") ? headers.get("content-length").get(0) : null;
        byte[] body = len != null ? in.readNBytes(Integer.parseInt(len)) : in.readAllBytes();
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
