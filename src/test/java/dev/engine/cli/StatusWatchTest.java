package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.stage.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `engine status -w`: prints again when the state changes, not otherwise, and ends cleanly when stopped. */
class StatusWatchTest {
    @TempDir
    Path tmp;
    Home home;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, """
                stages:
                  vms:
                    command: "true"
                  talos:
                    command: "true"
                """);
    }

    @Test
    void reprints_on_a_state_change_and_only_then_and_stops_with_exit_0() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Cancellation stop = new Cancellation();
        CliContext ctx = new CliContext(home.env, home.ws, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC(), false, false, stop);
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(
                () -> Main.execute(new String[] {"status", "-w", "--interval", "100ms"}, ctx));
        try {
            await(() -> headers(out) == 1, "the first table", out);
            assertThat(text(out)).containsPattern("(?m)^vms +idle");
            Thread.sleep(600); // six polls of an unchanged state
            assertThat(headers(out)).as(text(out)).isEqualTo(1);

            Home.Result run = home.engine("run", "vms");
            assertThat(run.code()).as(run.all()).isZero();
            await(() -> text(out).matches("(?s).*status at \\S+Z\\nSTAGE.*\\nvms +green.*"), "a second table with vms green", out);
        } finally {
            stop.cancel("test");
        }
        assertThat(watch.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void json_watch_prints_one_document_per_change() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Cancellation stop = new Cancellation();
        CliContext ctx = new CliContext(home.env, home.ws, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC(), false, false, stop);
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(
                () -> Main.execute(new String[] {"status", "-w", "--interval", "100ms", "-o", "json"}, ctx));
        try {
            await(() -> docs(out).size() == 1, "the first document", out);
            Thread.sleep(500);
            assertThat(docs(out)).hasSize(1);
            home.engine("run", "vms", "talos");
            await(() -> docs(out).get(docs(out).size() - 1).get("stages").get(1).get("status").asText().equals("green"),
                    "a document with talos green", out);
        } finally {
            stop.cancel("test");
        }
        assertThat(watch.get(30, TimeUnit.SECONDS)).isZero();
        // Concatenated documents, as `jq` reads them; each one differs from the one before (the
        // run in between shows as the lock taken, the stages running, then green).
        List<JsonNode> docs = docs(out);
        assertThat(docs.size()).isGreaterThanOrEqualTo(2);
        for (int i = 1; i < docs.size(); i++) {
            assertThat(docs.get(i)).isNotEqualTo(docs.get(i - 1));
        }
    }

    private static List<JsonNode> docs(ByteArrayOutputStream out) {
        try {
            return new ObjectMapper().readerFor(JsonNode.class).<JsonNode>readValues(text(out)).readAll();
        } catch (IOException e) {
            return List.of(); // a document half printed: the caller polls again
        }
    }

    @Test
    void interval_without_watch_is_a_usage_error() {
        Home.Result r = home.engine("status", "--interval", "1s");
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--interval only applies with -w");
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int headers(ByteArrayOutputStream out) {
        return count(text(out), "STAGE ");
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void await(BooleanSupplier condition, String what, ByteArrayOutputStream out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; output so far:\n" + text(out));
            }
            Thread.sleep(50);
        }
    }
}
