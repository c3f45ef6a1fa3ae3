package dev.engine.console;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The listener of {@code engine console}: the console's pages alone, on the JDK's HTTP server. */
public final class ConsoleServer implements AutoCloseable {
    static final int THREADS = 8;

    private final HttpServer server;
    private final ExecutorService threads;

    private ConsoleServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Binds {@code address}, tells the console its port and starts serving. */
    public static ConsoleServer start(InetSocketAddress address, Console console) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "engine-console-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", console.handler());
        console.boundTo(server.getAddress());
        server.start();
        return new ConsoleServer(server, threads);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
