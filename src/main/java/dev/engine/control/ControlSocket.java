package dev.engine.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * watch's end of the control channel: {@code state/control.sock}, a Unix socket only its owner can
 * connect to (mode 0600, bound in a private 0700 folder and moved into place, so there is no moment
 * it is open to others), and whose peer must run as the same user (or root). Each connection
 * carries one {@link ActionRequest}; the {@link Handler} decides when it is performed.
 */
public final class ControlSocket implements AutoCloseable {
    public static final String FILE = "control.sock";
    /** Connections served at once; more are answered "busy". */
    static final int MAX_CLIENTS = 4;

    /** Performs one action for a client. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param progress lines sent to the client at once (e.g. that the action waits for a stage)
         * @param clientGone true once the client disconnected; an action not started yet should then not start
         */
        ActionResult handle(ActionRequest request, Consumer<String> progress, BooleanSupplier clientGone) throws InterruptedException;
    }

    private final Path file;
    private final Object identity;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final Thread acceptor;
    private final UserPrincipal owner;
    private volatile boolean closed;

    private ControlSocket(Path file, Object identity, ServerSocketChannel server, Handler handler, UserPrincipal owner) {
        this.file = file;
        this.identity = identity;
        this.server = server;
        this.handler = handler;
        this.owner = owner;
        this.acceptor = new Thread(this::acceptLoop, "engine-control");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code stateDir/control.sock}, replacing one a dead engine left (the caller holds the
     * engine lock, so no live engine owns it), and starts accepting.
     *
     * @throws IOException when the socket cannot be made (e.g. a path longer than the 107 bytes a
     *     Unix socket name may have); watch then runs without the channel
     */
    public static ControlSocket open(Path stateDir, Handler handler) throws IOException {
        Path target = stateDir.resolve(FILE);
        Path privateDir = Files.createTempDirectory(stateDir, ".control-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = privateDir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(temp), 8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            // rename(2) keeps the bound inode: clients connecting by the new name reach this socket.
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Object identity = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            ControlSocket s = new ControlSocket(target, identity, server, handler, Files.getOwner(target, LinkOption.NOFOLLOW_LINKS));
            s.acceptor.start();
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(privateDir);
        }
    }

    public Path file() {
        return file;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // a failed accept (e.g. out of descriptors) must not end the channel
            }
            if (closed) {
                answerAndClose(ch, new ActionResult(3, "", "engine watch is stopping; nothing was done\n"));
                return;
            }
            if (!slots.tryAcquire()) {
                answerAndClose(ch, new ActionResult(3, "", "engine watch is busy with " + MAX_CLIENTS
                        + " other requests; try again in a moment\n"));
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    serve(ch);
                } finally {
                    slots.release();
                }
            }, "engine-control-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            Object why = peerProblem(ch);
            if (why != null) {
                write(ch, Wire.result(new ActionResult(3, "", why + "\n")));
                return;
            }
            String line = readLine(ch);
            ActionRequest request;
            try {
                request = Wire.parseRequest(line == null ? "" : line);
            } catch (IllegalArgumentException e) {
                write(ch, Wire.result(new ActionResult(2, "", "engine watch: bad request: " + e.getMessage() + "\n")));
                return;
            }
            AtomicBoolean gone = new AtomicBoolean();
            // Not interrupted when done: interrupting a read closes the channel. Closing it ends the read.
            watchForHangUp(ch, gone);
            ActionResult result = handler.handle(request, text -> {
                try {
                    write(ch, Wire.progress(text));
                } catch (IOException e) {
                    gone.set(true);
                }
            }, gone::get);
            write(ch, Wire.result(result));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away or sent something unreadable: nothing more to tell it
        }
    }

    /** Only this socket's owner (or root) may act; 0600 already keeps others out, this says why if not. */
    private String peerProblem(SocketChannel ch) {
        try {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String name = peer == null ? null : peer.user().getName();
            if (name == null || name.equals(owner.getName()) || "root".equals(name)) {
                return null;
            }
            return "engine watch: refused: the control channel takes requests only from " + owner.getName()
                    + ", not from " + name;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // no peer credentials on this system: the socket's mode is the guard
        }
    }

    /** The client keeps its end open while it waits; end of stream means it went away (Ctrl-C). */
    private static void watchForHangUp(SocketChannel ch, AtomicBoolean gone) {
        Thread t = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocate(256);
            try {
                while (true) {
                    b.clear();
                    if (ch.read(b) < 0) {
                        gone.set(true);
                        return;
                    }
                }
            } catch (IOException e) {
                gone.set(true);
            }
        }, "engine-control-hangup");
        t.setDaemon(true);
        t.start();
    }

    private static String readLine(SocketChannel ch) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (line.size() < Wire.MAX_LINE) {
            one.clear();
            if (ch.read(one) < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("request longer than " + Wire.MAX_LINE + " bytes");
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        synchronized (ch) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    private static void answerAndClose(SocketChannel ch, ActionResult r) {
        try (ch) {
            write(ch, Wire.result(r));
        } catch (IOException e) {
            // gone already
        }
    }

    /** Stops accepting and removes the socket file, unless another engine has replaced it since. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            acceptor.join(2000); // the close takes effect once the blocked accept has returned
        } catch (IOException e) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(now, identity)) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            // a leftover socket file is harmless: the next watch replaces it, clients get "refused"
        }
    }
}
