package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, done when: "A CrashLoopBackOff failure with rising restart counts escalates at the
 * threshold, in an end-to-end test with a mock model." Before, every attempt got a new
 * fingerprint (18 in 20 attempts), so the stage burned its attempts without one model call.
 *
 * <p>The real CLI runs a stage whose fake {@code kubectl} shows the pod crash-looping with one
 * more restart, another pod name, other ages and other timestamps on every call, the way a real
 * Deployment does; the model is MockWebServer speaking the Chat Completions wire format.
 */
class CrashLoopEscalationTest {
    private static final String MAP = """
            stages:
              apps:
                description: "apps: the web Deployment"
                command: "stages/apps.sh"
                files: [stages/apps.sh, apps/web/deployment.yaml]
                success_criteria: ["deployment web is available"]
            """;
    private static final Pattern RESTARTS = Pattern.compile("CrashLoopBackOff\\s+(\\d+) \\(");
    private static final Pattern POD = Pattern.compile("\\b(web-[a-z0-9]+-[a-z0-9]{5})\\b");

    @TempDir
    Path tmp;
    Home home;
    MockWebServer model;
    final List<String> userMessages = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        home = Home.create(tmp, MAP);
        home.script("stages/apps.sh", """
                set -euo pipefail
                kubectl -n apps rollout status deploy/web --timeout=60s || {
                  kubectl -n apps get pods -l app=web
                  kubectl -n apps logs deploy/web --tail=2
                  exit 1
                }""");
        home.write("apps/web/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n");
        home.commit("apps stage");
        // Each call is a new moment of the same crash loop: one more restart, a new pod of a new
        // ReplicaSet (hashes of 9 and 10 characters), new ages, new timestamps, a new pod IP.
        home.tool("kubectl", """
                state="$SCRATCH/restarts"
                n=$(cat "$state" 2>/dev/null || echo 2)
                pick() { local a=bcdfghjklmnpqrstvwxz2456789 s=""; for _ in $(seq 1 "$1"); do s="$s${a:RANDOM%27:1}"; done; printf %s "$s"; }
                case " $* " in
                  *" rollout "*)
                    n=$((n + 1)); echo "$n" > "$state"
                    for _ in $(seq 1 $((RANDOM % 3 + 1))); do
                      echo 'Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...'
                    done
                    echo 'error: timed out waiting for the condition' >&2
                    exit 1 ;;
                  *" get pods "*)
                    pod="web-$(pick $((9 + RANDOM % 2)))-$(pick 5)"
                    echo "NAME                          READY   STATUS             RESTARTS        AGE"
                    echo "$pod   0/1     CrashLoopBackOff   $n ($((RANDOM % 50 + 5))s ago)   $((n * 3))m$((RANDOM % 60))s"
                    exit 0 ;;
                  *" logs "*)
                    ts=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
                    echo "$ts INFO starting web pid=$((RANDOM + 1000)) on 0.0.0.0:8080"
                    echo "$ts FATAL cannot reach postgres at 10.43.$((RANDOM % 250)).$((RANDOM % 250)):5432: dial tcp: connect: connection refused (after $((RANDOM % 900 + 100))ms, attempt $((RANDOM % 5 + 1))/5)"
                    exit 0 ;;
                esac
                echo "kubectl: unexpected arguments: $*" >&2; exit 2""");
        model = new MockWebServer();
        model.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                try {
                    synchronized (userMessages) {
                        userMessages.add(ChatCompletions.userMessage(request));
                    }
                    return ChatCompletions.giveUp("postgres in namespace apps is down; a human must restore it");
                } catch (Exception e) {
                    return new MockResponse().setResponseCode(500).setBody(e.toString());
                }
            }
        });
        model.start(java.net.InetAddress.getLoopbackAddress(), 0);
        home.env.put("OPENAI_API_KEY", "sk-test-crashloop-000111222");
        home.env.put("OPENAI_BASE_URL", model.url("/v1").toString());
        home.env.put("OPENAI_TIMEOUT", "10s");
        // EXECUTOR_RETRY_THRESHOLD is left at its default, 3; no executor is configured.
    }

    @AfterEach
    void tearDown() throws Exception {
        model.shutdown();
    }

    @Test
    void a_crash_loop_with_rising_restarts_escalates_after_exactly_three_attempts_with_one_fingerprint() throws Exception {
        Home.Result r = home.engine("run", "apps");

        // The model was asked once, and that ended the run (it answered that a human is needed).
        assertThat(model.getRequestCount()).as(r.all()).isEqualTo(1);
        assertThat(r.code()).as(r.all()).isEqualTo(Main.NOT_GREEN);
        assertThat(home.state("stage_status.json").get("apps").asText()).isEqualTo("give_up");

        // Exactly three attempts, all failed, each with its own raw output...
        List<JsonNode> finished = home.audit("apps", "attempt_finished");
        assertThat(finished).hasSize(3).allSatisfy(a -> assertThat(a.at("/details/outcome").asText()).isEqualTo("failed"));
        List<Path> logs = home.logs("apps");
        assertThat(logs).hasSize(3);
        List<Integer> restarts = new ArrayList<>();
        Set<String> pods = new HashSet<>();
        for (Path log : logs) {
            String text = Files.readString(log);
            Matcher m = RESTARTS.matcher(text);
            assertThat(m.find()).as(text).isTrue();
            restarts.add(Integer.parseInt(m.group(1)));
            Matcher p = POD.matcher(text);
            assertThat(p.find()).as(text).isTrue();
            pods.add(p.group(1));
        }
        assertThat(restarts).containsExactly(3, 4, 5);
        assertThat(pods).as("a new pod name on every attempt").hasSize(3);

        // ...and one fingerprint, counted 1, 2, 3: the third reached the threshold and escalated.
        List<JsonNode> prints = home.audit("apps", "fingerprint");
        assertThat(prints).extracting(f -> f.at("/details/fingerprint").asText()).hasSize(3).containsOnly(prints.get(0).at("/details/fingerprint").asText());
        assertThat(prints).extracting(f -> f.at("/details/attempts").asInt()).containsExactly(1, 2, 3);
        String fingerprint = prints.get(0).at("/details/fingerprint").asText();
        JsonNode errors = home.state("errors.json");
        assertThat(errors.fieldNames()).toIterable().containsExactly("apps_" + fingerprint);
        assertThat(errors.at("/apps_" + fingerprint + "/attempts").asInt()).isEqualTo(3);
        assertThat(errors.at("/apps_" + fingerprint + "/api_calls").asInt()).isEqualTo(1);

        // The call came after the third attempt and before any fourth.
        List<String> order = home.audit().stream()
                .filter(e -> "apps".equals(e.path("stage").asText()))
                .map(e -> e.path("event").asText())
                .filter(ev -> ev.equals("attempt_finished") || ev.equals("model_call"))
                .toList();
        assertThat(order).containsExactly("attempt_finished", "attempt_finished", "attempt_finished", "model_call");

        // What the model saw is the crash loop.
        assertThat(userMessages).singleElement().satisfies(c -> assertThat(c).contains("CrashLoopBackOff").contains(fingerprint));
    }
}
