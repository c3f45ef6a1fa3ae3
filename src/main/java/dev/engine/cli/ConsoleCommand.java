package dev.engine.cli;

import dev.engine.app.Session;
import dev.engine.config.ConfigException;
import dev.engine.console.Console;
import dev.engine.console.ConsoleServer;
import dev.engine.state.EngineLock;
import dev.engine.watch.ListenAddress;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "console", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Serve the web console without converging anything.",
            "",
            "The board of stages (live), each stage's timeline from the audit trail, and the review page with "
                    + "side-by-side diffs. `engine watch` serves the same pages on its own listener; use this when no "
                    + "watch runs.",
            "",
            "Reset, approve and reject take the engine lock for as long as they last, as the CLI commands do; "
                    + "if a watch holds it they are handed to it, and if a `run` holds it they are refused. They need "
                    + "the token in the URL printed at start (also in state/console.token, mode 0600), come as POST "
                    + "from the console's own pages, and are audited with via=console. Stops on SIGTERM or Ctrl-C.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine console                          http://127.0.0.1:8787 with a token",
            "  engine console --listen 127.0.0.1:0     any free port (the URL is printed)",
        })
final class ConsoleCommand implements Callable<Integer> {
    @ParentCommand
    EngineCommand root;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8787", converter = WatchCommand.ListenConverter.class, paramLabel = "HOST:PORT",
            description = "Address to serve on; port 0 picks a free port (the URL is printed). Default: ${DEFAULT-VALUE}.")
    ListenAddress listen;

    @Option(names = "--allow-remote",
            description = "Allow --listen on an address that is not loopback; every page then needs the console token.")
    boolean allowRemote;

    @Override
    public Integer call() throws ConfigException, IOException, InterruptedException {
        if (!listen.loopback() && !allowRemote) {
            root.ctx.err().println("engine console: --listen " + listen + " is not a loopback address. Add --allow-remote to serve"
                    + " the console on the network (every page then needs the token; traffic is plain HTTP), or listen on"
                    + " 127.0.0.1:PORT and put a proxy with TLS in front.");
            return Main.USAGE;
        }
        Session s = Sessions.open(root);
        CountDownLatch stop = new CountDownLatch(1);
        if (root.ctx.signals()) {
            Signals.install(root.ctx.cancellation(), root.ctx.err());
        }
        ExecutorService actionThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "engine-console-action");
            t.setDaemon(true);
            return t;
        });
        // The board never probes the lock file (StatusReport.build(s) would): this process may be holding
        // the lock for an action, and a probe from the holder releases it.
        Console console = Console.start(ConsoleWiring.parts(s, root, ConsoleWiring.redactor(s, root),
                ConsoleWiring.source(s, () -> false, () -> null), ConsoleWiring.underLock(s, actionThreads),
                !listen.loopback(), "engine console · pid " + ProcessHandle.current().pid() + " · not converging"));
        // Probed before serving: once actions can run here, only they may touch the lock file.
        boolean heldAtStart = EngineLock.isHeld(s.layout().stateDir());
        ConsoleServer server;
        try {
            server = ConsoleServer.start(listen.resolve(), console);
        } catch (BindException e) {
            console.close();
            actionThreads.shutdownNow();
            root.ctx.err().println("engine console: cannot listen on " + listen + ": " + e.getMessage()
                    + "; choose another address with --listen HOST:PORT (port 0 picks a free one)");
            return Main.USAGE;
        }
        try (console; server; AutoCloseable wake = root.ctx.cancellation().onCancel(stop::countDown)) {
            String bound = ListenAddress.format(server.address());
            root.ctx.out().println("engine console: " + console.loginUrl(bound));
            root.ctx.out().println("engine console: not converging; " + (heldAtStart
                    ? "another engine holds the lock now (actions go to it if it is a watch)" : "no engine holds the lock now"));
            if (!listen.loopback()) {
                root.ctx.err().println("engine console: WARNING: serving on " + bound + ", reachable from the network over plain HTTP");
            }
            root.ctx.out().flush();
            stop.await();
            return Main.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.OK;
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        } finally {
            actionThreads.shutdownNow();
        }
    }
}
