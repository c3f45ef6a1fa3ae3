package dev.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's security rules (DESIGN.md §9, issue 16), each against the real `engine console`
 * process with requests written by hand: the token, POST only, the Origin and Host checks, the
 * Content-Security-Policy without inline script, escaping, and the token for every page beyond
 * loopback. A refused request must change nothing: main, the AI branch, the status file and the
 * audit trail are compared before and after, with the git CLI for the refs.
 */
class ConsoleSecurityTest {
    static final Duration START = Duration.ofSeconds(60);
    static final Pattern URL = Pattern.compile("(http://[^\\s/]+:(\\d+))/\\?token=([A-Za-z0-9_-]+)");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final String HOSTILE_REASON = "exit 1: <script>alert('pwned')</script><img src=x onerror=alert(2)> \"quoted\" & more";

    @TempDir
    Path tmp;
    EngineWorkspace w;

    /** The URL an engine printed at start: base address, port and token. */
    record Login(String base, int port, String token) {
        String cookie() {
            return "engine_console_" + port + "=" + token;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        w = EngineWorkspace.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [conf/talos.yaml]
                  apps:
                    command: "true"
                    depends_on: [talos]
                """);
        w.script("stages/talos.sh", "grep -q 'ready: true' conf/talos.yaml || { echo 'error: talos not ready'; exit 1; }");
        w.write("conf/talos.yaml", "ready: false\n");
        w.commit();
        w.write("state/stage_status.json", "{\"talos\": \"give_up\", \"apps\": \"idle\"}\n");
        w.write("state/stage_info.json", "{\"talos\": {\"reason\": " + EngineWorkspace.JSON.writeValueAsString(HOSTILE_REASON) + "}}\n");
        w.write("fix.diff", "--- a/conf/talos.yaml\n+++ b/conf/talos.yaml\n@@ -1 +1 @@\n-ready: false\n+ready: true\n");
        EngineProcess apply = w.runToEnd(START, "patch", "apply", "fix.diff", "--stage", "talos");
        assertThat(apply.waitFor(START)).as(apply.describe()).isZero();
        Files.delete(w.ws().resolve("fix.diff"));
    }

    @AfterEach
    void tearDown() {
        w.close();
    }

    static Login login(EngineProcess engine) {
        Await.until(START, "the console URL", () -> URL.matcher(engine.stdout()).find(), engine::describe);
        Matcher m = URL.matcher(engine.stdout());
        m.find();
        return new Login(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
    }

    /** What a refused request must leave alone. */
    record Snapshot(String main, String ai, String status, long auditLines) {}

    Snapshot snapshot() throws Exception {
        Path audit = w.stateDir().resolve("audit.jsonl");
        return new Snapshot(w.git("rev-parse", "main"), w.git("rev-parse", "ai/orchestrator-stage1"),
                Files.readString(w.stateDir().resolve("stage_status.json")),
                Files.exists(audit) ? Files.readAllLines(audit).size() : 0);
    }

    @Test
    void actionsWithoutTheTokenFromAnotherOriginOrAsGetAre403AndChangeNothingWhileTheRealOneWorksAndIsAudited() throws Exception {
        EngineProcess console = w.start("console", "--listen", "127.0.0.1:0");
        Login l = login(console);
        RawHttp http = new RawHttp(l.port());
        String sha = w.git("rev-parse", "ai/orchestrator-stage1");
        Snapshot before = snapshot();

        String otherOrigin = "http://127.0.0.1:" + (l.port() == 65535 ? 1 : l.port() + 1); // same site, another port
        List<RawHttp.Response> forged = List.of(
                // GET, with everything else right
                http.get("/actions/reset?stage=talos", "Origin", l.base(), "Cookie", l.cookie()),
                http.get("/actions/approve?commit=" + sha, "Origin", l.base(), "Cookie", l.cookie()),
                // no token
                http.post("/actions/reset", "stage=talos", "Origin", l.base()),
                http.post("/actions/approve", "commit=" + sha, "Origin", l.base()),
                // a token that is not this start's
                http.post("/actions/reset", "stage=talos", "Origin", l.base(), "Cookie", "engine_console_" + l.port() + "=guess"),
                // the token, but from another origin, from an opaque one, or with no Origin at all
                http.post("/actions/reset", "stage=talos", "Origin", "http://evil.example", "Cookie", l.cookie()),
                http.post("/actions/approve", "commit=" + sha, "Origin", otherOrigin, "Cookie", l.cookie()),
                http.post("/actions/reject", "commit=" + sha, "Origin", "null", "Cookie", l.cookie()),
                http.post("/actions/approve", "commit=" + sha, "Cookie", l.cookie()),
                http.post("/actions/approve", "commit=" + sha, "Origin", otherOrigin, "Authorization", "Bearer " + l.token()),
                // DNS rebinding: the attacker's name resolving to 127.0.0.1, its page posting to itself
                http.post("/actions/reset", "stage=talos", "Host", "attacker.example:" + l.port(),
                        "Origin", "http://attacker.example:" + l.port(), "Cookie", l.cookie()));
        for (RawHttp.Response r : forged) {
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.body()).startsWith("forbidden: ");
        }
        assertThat(snapshot()).as("refused requests changed nothing").isEqualTo(before);
        assertThat(w.auditEvents("talos", "reset")).isEmpty();
        assertThat(w.audit().stream().map(e -> e.path("event").asText())).doesNotContain("approved", "rejected");

        RawHttp.Response reset = http.post("/actions/reset", "stage=talos", "Origin", l.base(), "Cookie", l.cookie());
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.body()).contains("talos: reset (was give_up");
        assertThat(w.status("talos")).isEqualTo("idle");
        assertThat(w.auditEvents("talos", "reset")).singleElement()
                .satisfies(e -> assertThat(e.path("details").path("via").asText()).isEqualTo("console"));

        RawHttp.Response approve = http.post("/actions/approve", "commit=" + sha + "&reason=looks+right",
                "Origin", l.base(), "Authorization", "Bearer " + l.token());
        assertThat(approve.status()).as(approve.body()).isEqualTo(200);
        assertThat(w.git("rev-parse", "main")).isEqualTo(sha);
        JsonNode approved = w.auditEvents("talos", "approved").get(0).path("details");
        assertThat(approved.path("via").asText()).isEqualTo("console");
        assertThat(approved.path("reason").asText()).isEqualTo("looks right");
        assertThat(w.audit().stream().filter(e -> e.path("event").asText().startsWith("attempt")))
                .as("engine console converges nothing").isEmpty();
        console.sigterm();
        assertThat(console.waitFor(START)).isZero();
    }

    @Test
    void theTokenIsNewAtEveryStartKeptIn0600FileAndTheLoginSetsAStrictHttpOnlyCookieAndDropsItFromTheAddress() throws Exception {
        EngineProcess first = w.start("console", "--listen", "127.0.0.1:0");
        Login l = login(first);
        Path file = w.stateDir().resolve("console.token");
        assertThat(Files.readString(file).strip()).isEqualTo(l.token());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(l.token()).hasSizeGreaterThanOrEqualTo(43); // 256 bits, base64url

        RawHttp http = new RawHttp(l.port());
        assertThat(http.get("/?token=" + l.token().substring(1) + "x").status()).isEqualTo(403);
        RawHttp.Response in = http.get("/?token=" + l.token());
        assertThat(in.status()).isEqualTo(303);
        assertThat(in.header("Location")).isEqualTo("/");
        assertThat(in.header("Set-Cookie")).isEqualTo(l.cookie() + "; Path=/; HttpOnly; SameSite=Strict");
        assertThat(in.header("Referrer-Policy")).isEqualTo("same-origin");
        first.sigterm();
        assertThat(first.waitFor(START)).isZero();
        assertThat(file).as("the token dies with the process").doesNotExist();

        EngineProcess second = w.start("console", "--listen", "127.0.0.1:0");
        Login again = login(second);
        assertThat(again.token()).isNotEqualTo(l.token());
        RawHttp http2 = new RawHttp(again.port());
        RawHttp.Response old = http2.post("/actions/reset", "stage=talos", "Origin", again.base(),
                "Cookie", "engine_console_" + again.port() + "=" + l.token());
        assertThat(old.status()).as("a token of an earlier start").isEqualTo(403);
        assertThat(w.status("talos")).isEqualTo("give_up");
        second.sigterm();
        second.waitFor(START);
    }

    @Test
    void everyResponseHasAStrictCspPagesHaveNoInlineScriptAndHostileTextIsEscaped() throws Exception {
        EngineProcess console = w.start("console", "--listen", "127.0.0.1:0");
        Login l = login(console);
        RawHttp http = new RawHttp(l.port());
        for (String path : List.of("/", "/fragments/board", "/review", "/stage/talos", "/stage/apps", "/static/console.js",
                "/static/console.css", "/stage/nope", "/actions/reset")) {
            RawHttp.Response r = http.get(path, "Cookie", l.cookie());
            assertThat(r.header("Content-Security-Policy")).as(path).isEqualTo(CSP);
            assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            if (r.header("Content-Type").startsWith("text/html")) {
                assertThat(r.status()).as(path).isEqualTo(200);
                Matcher scripts = Pattern.compile("<script[^>]*>(.*?)</script>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE).matcher(r.body());
                while (scripts.find()) {
                    assertThat(scripts.group()).as(path).isEqualTo("<script src=\"/static/console.js\" defer></script>");
                }
                // no event handler or style attribute in any tag (text may quote them, escaped)
                assertThat(r.body()).as(path).doesNotContainPattern("(?i)<[a-z][^>]*\\s(on[a-z]+|style)\\s*=")
                        .doesNotContainPattern("(?i)<[a-z][^>]*javascript:");
            }
        }
        String board = http.get("/").body();
        assertThat(board).contains("&lt;script&gt;alert('pwned')&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;")
                .doesNotContain("<script>alert").doesNotContain("<img src=x");
        assertThat(http.get("/stage/talos").body()).doesNotContain("<script>alert").contains("&lt;script&gt;");
        RawHttp.Response rebound = http.get("/", "Host", "attacker.example:" + l.port());
        assertThat(rebound.status()).as("a page read under another host name (DNS rebinding)").isEqualTo(403);
        assertThat(rebound.body()).doesNotContain("talos");
        console.sigterm();
        console.waitFor(START);
    }

    @Test
    void beyondLoopbackEveryPageNeedsTheTokenAndWithoutAllowRemoteTheConsoleDoesNotStart() throws Exception {
        EngineProcess refused = w.runToEnd(START, "console", "--listen", "0.0.0.0:0");
        assertThat(refused.waitFor(START)).as(refused.describe()).isEqualTo(2);
        assertThat(refused.stderr()).contains("--allow-remote");

        // Bound to every address, reached here over loopback only.
        EngineProcess console = w.start("console", "--listen", "0.0.0.0:0", "--allow-remote");
        Login l = login(console);
        RawHttp http = new RawHttp(l.port());
        for (String path : List.of("/", "/review", "/stage/talos", "/fragments/board", "/events", "/static/console.js",
                "/log?path=logs/x.log")) {
            RawHttp.Response r = http.get(path, "Host", "homelab.lan:" + l.port());
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).doesNotContain("talos").startsWith("forbidden: ");
        }
        assertThat(http.get("/", "Host", "homelab.lan:" + l.port(), "Cookie", l.cookie()).status()).isEqualTo(200);
        assertThat(http.get("/review", "Host", "homelab.lan:" + l.port(), "Authorization", "Bearer " + l.token()).status()).isEqualTo(200);
        Snapshot before = snapshot();
        assertThat(http.post("/actions/reset", "stage=talos", "Host", "homelab.lan:" + l.port(),
                "Origin", "http://evil.example", "Cookie", l.cookie()).status()).isEqualTo(403);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(http.post("/actions/reset", "stage=talos", "Host", "homelab.lan:" + l.port(),
                "Origin", "http://homelab.lan:" + l.port(), "Cookie", l.cookie()).status()).isEqualTo(200);
        assertThat(w.status("talos")).isEqualTo("idle");
        console.sigterm();
        console.waitFor(START);
    }
}
