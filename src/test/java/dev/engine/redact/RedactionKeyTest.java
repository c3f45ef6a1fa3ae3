package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionKeyTest {
    @TempDir
    Path home;

    @Test
    void creates_32_private_random_bytes_once_and_reads_them_back() throws Exception {
        Path state = home.resolve("state");
        byte[] k1 = RedactionKey.loadOrCreate(state);
        byte[] k2 = RedactionKey.loadOrCreate(state);
        Path file = state.resolve("redaction.key");
        assertThat(k1).hasSize(32).isEqualTo(k2).isEqualTo(Files.readAllBytes(file));
        assertThat(k1).isNotEqualTo(new byte[32]);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("redaction.key");
        }
        assertThat(RedactionKey.loadOrCreate(home.resolve("other"))).isNotEqualTo(k1);
    }

    @Test
    void engines_starting_together_agree_on_one_key() throws Exception {
        Path state = home.resolve("state");
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<byte[]>> keys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<byte[]> c = () -> {
                    go.await();
                    return RedactionKey.loadOrCreate(state);
                };
                keys.add(pool.submit(c));
            }
            go.countDown();
            byte[] first = keys.get(0).get();
            for (Future<byte[]> f : keys) {
                assertThat(f.get()).isEqualTo(first);
            }
            assertThat(Files.readAllBytes(state.resolve("redaction.key"))).isEqualTo(first);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_damaged_key_file_is_an_error_naming_the_file() throws Exception {
        Path state = Files.createDirectories(home.resolve("state"));
        Files.write(state.resolve("redaction.key"), new byte[7]);
        assertThatThrownBy(() -> RedactionKey.loadOrCreate(state)).isInstanceOf(IOException.class)
                .hasMessageContaining("redaction.key").hasMessageContaining("expected 32 bytes, found 7");
    }

    @Test
    void a_key_readable_by_others_is_tightened() throws Exception {
        Path state = Files.createDirectories(home.resolve("state"));
        Path file = state.resolve("redaction.key");
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        Files.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(RedactionKey.loadOrCreate(state)).isEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void a_symlinked_key_is_refused() throws Exception {
        Path state = Files.createDirectories(home.resolve("state"));
        Path elsewhere = Files.write(home.resolve("elsewhere"), new byte[32]);
        Files.createSymbolicLink(state.resolve("redaction.key"), elsewhere);
        assertThatThrownBy(() -> RedactionKey.loadOrCreate(state)).isInstanceOf(IOException.class)
                .hasMessageContaining("redaction.key");
    }

    @Test
    void redaction_helper_uses_the_home_key_so_placeholders_survive_a_restart() throws Exception {
        Path state = home.resolve("state");
        String text = "password: pl4nted-" + Secrets.random(8) + "\n";
        String first = Redaction.forState(state, Map.of()).redact(text);
        String second = Redaction.forState(state, Map.of()).redact(text);
        assertThat(first).isEqualTo(second).doesNotContain("pl4nted");
        assertThat(Redaction.forState(state).redact("nothing secret")).isEqualTo("nothing secret");
    }
}
