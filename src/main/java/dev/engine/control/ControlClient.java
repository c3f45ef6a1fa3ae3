package dev.engine.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** The CLI's (and the console's) end of the control channel of a running {@code engine watch}. */
public final class ControlClient {
    private ControlClient() {}

    /**
     * Hands {@code request} to the watch serving {@code stateDir}, waits for it to be performed and
     * returns what it printed and its exit code.
     *
     * @param progress lines watch sends while the action waits (e.g. for a running stage to end)
     * @return empty when no watch listens there (no socket, or one a dead engine left): the engine
     *     holding the lock is then one that cannot take actions, such as {@code engine run}
     */
    public static Optional<ActionResult> handOff(Path stateDir, ActionRequest request, Consumer<String> progress) throws IOException {
        Path file = stateDir.resolve(ControlSocket.FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file)) {
            return Optional.empty();
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(file));
            } catch (ConnectException e) {
                return Optional.empty();
            } catch (SocketException e) {
                return Optional.empty(); // e.g. "No such file" after a race with watch's exit, or not a socket
            }
            ByteBuffer out = ByteBuffer.wrap(Wire.request(request));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            // No shutdownOutput: watch takes the end of our stream as "the client went away".
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (ch.read(in.clear()) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b != '\n') {
                        if (line.size() >= Wire.MAX_LINE) {
                            throw new IOException("engine watch sent a line longer than " + Wire.MAX_LINE + " bytes");
                        }
                        line.write(b);
                        continue;
                    }
                    Wire.Answer a = Wire.parseAnswer(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    if (a.result() != null) {
                        return Optional.of(a.result());
                    }
                    progress.accept(a.progress());
                }
            }
            return Optional.of(new ActionResult(1, "", "engine: watch closed the control channel before it answered;"
                    + " `engine audit --tail 20` shows whether the " + request.kind().wire() + " was done\n"));
        }
    }
}
