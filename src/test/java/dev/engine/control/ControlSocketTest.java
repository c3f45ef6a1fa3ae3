package dev.engine.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketTest {
    @TempDir
    Path state;

    @Test
    void aRequestIsCarriedWithItsProgressAndResultThroughA0600Socket() throws Exception {
        AtomicReference<ActionRequest> seen = new AtomicReference<>();
        try (ControlSocket socket = ControlSocket.open(state, (r, progress, gone) -> {
            seen.set(r);
            progress.accept("waiting for stage talos");
            return new ActionResult(0, "talos: reset (was give_up, 1 error entry cleared)\n", "");
        })) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.file()))).isEqualTo("rw-------");
            try (var dirs = Files.list(state)) {
                assertThat(dirs.map(p -> p.getFileName().toString())).as("the private bind folder is gone").containsExactly("control.sock");
            }
            List<String> lines = new ArrayList<>();
            ActionResult r = ControlClient.handOff(state, ActionRequest.reset(List.of("talos"), "cli"), lines::add).orElseThrow();
            assertThat(r).isEqualTo(new ActionResult(0, "talos: reset (was give_up, 1 error entry cleared)\n", ""));
            assertThat(lines).containsExactly("waiting for stage talos");
            assertThat(seen.get()).isEqualTo(ActionRequest.reset(List.of("talos"), "cli"));
        }
        assertThat(state.resolve("control.sock")).as("closing removes the socket").doesNotExist();
    }

    @Test
    void withoutAListeningWatchThereIsNoHandOff() throws Exception {
        assertThat(ControlClient.handOff(state, ActionRequest.reject("abc", "no", "cli"), l -> { })).isEmpty();
        // a socket file a killed watch left behind: nobody accepts on it
        ControlSocket dead = ControlSocket.open(state, (r, p, g) -> new ActionResult(0, "", ""));
        Path file = dead.file();
        Path kept = state.resolve("kept.sock");
        Files.createLink(kept, file);
        dead.close();
        Files.move(kept, file);
        assertThat(ControlClient.handOff(state, ActionRequest.reject("abc", "no", "cli"), l -> { })).isEmpty();
    }

    @Test
    void aClientThatHangsUpIsSeenSoAnActionNotStartedYetIsNotDone() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        AtomicBoolean goneSeen = new AtomicBoolean();
        CountDownLatch decided = new CountDownLatch(1);
        try (ControlSocket socket = ControlSocket.open(state, (r, progress, gone) -> {
            asked.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!gone.getAsBoolean() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            goneSeen.set(gone.getAsBoolean());
            decided.countDown();
            return new ActionResult(3, "", "not done\n");
        })) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket.file()));
                ch.write(ByteBuffer.wrap(Wire.request(ActionRequest.approve(null, true, null, "cli"))));
                assertThat(asked.await(20, TimeUnit.SECONDS)).isTrue();
            } // Ctrl-C
            assertThat(decided.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(goneSeen).isTrue();
        }
    }

    @Test
    void aRequestThatIsNotOneIsRefusedAsUsage() throws Exception {
        try (ControlSocket socket = ControlSocket.open(state, (r, p, g) -> new ActionResult(0, "done", ""))) {
            for (String bad : List.of("not json", "{\"kind\":\"rm -rf\",\"via\":\"cli\"}", "{\"kind\":\"reset\",\"stages\":[],\"via\":\"cli\"}",
                    "{\"kind\":\"approve\",\"commit\":\"a\",\"via\":\"evil\"}")) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket.file()));
                    ch.write(ByteBuffer.wrap((bad + "\n").getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    while (ch.read(in) >= 0 && (in.position() == 0 || in.get(in.position() - 1) != '\n')) {
                        // until the answer line is complete
                    }
                    Wire.Answer a = Wire.parseAnswer(new String(in.array(), 0, in.position() - 1, StandardCharsets.UTF_8));
                    assertThat(a.result().exit()).as(bad).isEqualTo(2);
                    assertThat(a.result().err()).contains("bad request");
                }
            }
        }
    }
}
