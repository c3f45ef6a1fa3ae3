package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engine.redact.PlantedCorpus;
import dev.engine.redact.Redactor;
import dev.engine.stage.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "done when": the planted-secret corpus ({@link PlantedCorpus}, every context) run end to
 * end through the real CLI, in-process. Each context's secrets go in the way they reach a real engine:
 * <ul>
 *   <li>workspace files: tracked ones are stage files the case file quotes; git-ignored ones
 *       ({@code .env}, {@code .kube/config}, ...) are linked into the stage's clone and the failing
 *       stage prints them;</li>
 *   <li>logs (pod logs, old case files): the failing stage prints them;</li>
 *   <li>command output: a fake {@code kubectl} on PATH prints it when the model asks for diagnostics;</li>
 *   <li>the engine's environment: the variables of the corpus are the engine's own;</li>
 *   <li>the executor's diff: a command executor prints it (it adds secrets, so it must be refused).</li>
 * </ul>
 * A stage fails, the executor's diff is refused, the stage escalates to a MockWebServer speaking
 * the Chat Completions wire format, which asks for every diagnostic and then proposes a fix. A
 * second stage's success check ({@code curl -u admin:<password>}) drifts under {@code engine watch},
 * which notifies a webhook (another MockWebServer) and serves {@code /api/status} while it
 * escalates. Then not one secret may be in any request body, {@code escalations/}, {@code patches/},
 * the audit trail, a webhook payload, {@code /api/status} (nor {@code status --json}), the AI
 * branch's commit messages, the diagnostics logs or the stdout of {@code patch apply}. Placeholders
 * must be the same in two case files and in two runs.
 */
class PlantedSecretsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Redactor.PLACEHOLDER;

    @TempDir
    Path tmp;
    Home home;
    MockWebServer model;
    MockWebServer hook;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> hooks = new CopyOnWriteArrayList<>();
    final CountDownLatch webAsked = new CountDownLatch(1);
    final CountDownLatch webMayAnswer = new CountDownLatch(1);

    /** How a text of the corpus reaches the engine. */
    enum Route { TRACKED, IGNORED, LOG, DIAGNOSTIC, EXECUTOR }

    /** A text of the corpus, where it was put. {@code where} is the workspace path, input file, configmap name or diff file. */
    record Placed(PlantedCorpus.Context context, PlantedCorpus.Text text, Route route, String where) {}

    @AfterEach
    void stop() throws Exception {
        webMayAnswer.countDown();
        if (model != null) model.shutdown();
        if (hook != null) hook.shutdown();
    }

    /** The paths a homelab keeps out of git: local env files, client configs, key files. */
    private static boolean ignored(String path) {
        return (path.startsWith(".") && !path.equals(".sops.yaml")) || path.equals("kubeconfig") || path.equals("talos/talosconfig")
                || path.startsWith("secrets/") || path.startsWith("config/env/");
    }

    /** The engine's folders anchored at the root: a bare {@code patches/} would also hide Talos's {@code cluster/talos/patches/}. */
    private static final String GITIGNORE = """
            /state/
            /logs/
            /escalations/
            /patches/
            /.env*
            /.kube/
            /.docker/
            /.aws/
            /.config/
            /.netrc
            /.pgpass
            /.git-credentials
            /kubeconfig
            /talos/talosconfig
            /secrets/
            /config/env/
            """;

    @Test
    void no_planted_secret_leaves_the_engine_by_any_channel() throws Exception {
        List<PlantedCorpus.Context> corpus = PlantedCorpus.load();
        int totalSecrets = corpus.stream().mapToInt(c -> c.secrets().size()).sum();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(25);
        assertThat(totalSecrets).isGreaterThanOrEqualTo(150);

        // ---- place every text of the corpus where a real engine meets it
        home = Home.create(tmp, "stages: {}\n");
        Path inputs = Files.createDirectories(home.scratch.resolve("inputs"));
        Path outputs = Files.createDirectories(home.scratch.resolve("outputs"));
        List<Placed> placed = new ArrayList<>();
        Set<String> taken = new TreeSet<>();
        StringBuilder executorDiff = new StringBuilder();
        Map<String, String> engineEnv = new LinkedHashMap<>();
        String grafanaPassword = null;
        for (PlantedCorpus.Context c : corpus) {
            c.env().forEach((k, v) -> {
                if (!List.of("HOME", "PATH", "EDITOR", "SHELL", "USER").contains(k)) engineEnv.put(k, v);
            });
            for (PlantedCorpus.Text t : c.texts()) {
                if (t.inWorkspace()) {
                    String path = t.path();
                    if (!taken.add(path)) { // two contexts use the same name: keep both, the second with the context's number
                        int dot = path.lastIndexOf('.');
                        path = path.substring(0, dot) + "-" + c.name().substring(0, 2) + path.substring(dot);
                        taken.add(path);
                    }
                    home.write(path, t.content());
                    placed.add(new Placed(c, t, ignored(path) ? Route.IGNORED : Route.TRACKED, path));
                    if (path.endsWith("grafana/helmrelease.yaml")) {
                        grafanaPassword = valueOnLineWith(t, "adminPassword");
                    }
                } else if (t.path().startsWith("output/")) {
                    String name = c.name().substring(0, 2) + "-" + t.path().substring(7).replaceFirst("\\.[a-z]+$", "").toLowerCase();
                    Files.writeString(outputs.resolve(name + ".txt"), t.content());
                    placed.add(new Placed(c, t, Route.DIAGNOSTIC, name));
                } else if (t.path().startsWith("patches/")) {
                    executorDiff.append(t.content().stripTrailing()).append('\n');
                    placed.add(new Placed(c, t, Route.EXECUTOR, t.path()));
                } else { // logs/, escalations/: text a stage prints
                    String name = c.name() + "__" + t.path().replace('/', '_');
                    Files.writeString(inputs.resolve(name), t.content());
                    placed.add(new Placed(c, t, Route.LOG, name));
                }
            }
        }
        assertThat(grafanaPassword).as("the grafana admin password of context 08").isNotNull();
        Path diffFile = home.scratch.resolve("executor.diff");
        Files.writeString(diffFile, executorDiff.toString());

        List<String> diagnostics = placed.stream().filter(p -> p.route() == Route.DIAGNOSTIC)
                .map(p -> "kubectl get configmap " + p.where() + " -n planted").toList();
        List<String> tracked = placed.stream().filter(p -> p.route() == Route.TRACKED).map(Placed::where).toList();
        List<String> ignoredFiles = placed.stream().filter(p -> p.route() == Route.IGNORED).map(Placed::where).toList();
        String check = "curl -fsS -u 'admin:" + grafanaPassword + "' https://grafana.funoffshore.lan/api/health";

        home.write(".gitignore", GITIGNORE);
        // a folder holding only ignored files is not entered when the stage's clone is made: config/ has a tracked file too
        home.write("config/README.md", "Per-cluster settings. The env files under config/env/ are local and git-ignored.\n");
        home.write("stages/state.yaml", "converged: false\n");
        home.script("stages/web.sh", "echo 'grafana release applied'");
        home.script("stages/homelab.sh", """
                echo "== homelab bootstrap: what the nodes and pods said =="
                for f in %s/*; do echo "==> $f <=="; cat "$f"; echo; done
                echo "== local configuration (debug dump) =="
                for f in %s; do echo "==> $f <=="; cat "$f"; echo; done
                if grep -q '^converged: true' stages/state.yaml; then echo "homelab converged"; exit 0; fi
                echo "error: homelab did not converge (stages/state.yaml says converged: false)"
                exit 1""".formatted(inputs, String.join(" ", ignoredFiles)));
        StringBuilder map = new StringBuilder("stages:\n");
        map.append("  web:\n    description: \"Grafana answers behind the ingress\"\n    command: \"stages/web.sh\"\n")
                .append("    files: [stages/web.sh, cluster/kubernetes/platform/monitoring/grafana/helmrelease.yaml]\n")
                .append("    success_checks:\n      - ").append(JSON.writeValueAsString(check)).append('\n');
        map.append("  homelab:\n    description: \"Homelab bootstrap: Proxmox, Talos, Flux apps\"\n    command: \"stages/homelab.sh\"\n")
                .append("    files:\n      - stages/homelab.sh\n      - stages/state.yaml\n");
        for (String f : tracked) map.append("      - ").append(JSON.writeValueAsString(f)).append('\n');
        map.append("    diagnostics:\n");
        for (String d : diagnostics) map.append("      - ").append(JSON.writeValueAsString(d)).append('\n');
        home.write("context_map.yaml", map.toString());
        home.commit("homelab with secrets where homelabs keep them");
        for (String f : ignoredFiles) {
            assertThat(home.git("check-ignore", f).strip()).as("git-ignored").isEqualTo(f);
        }
        Set<String> inGit = Set.of(home.git("ls-files").split("\n"));
        assertThat(inGit).as("tracked").containsAll(tracked);

        home.tool("kubectl", """
                if [ "$1 $2" = "get configmap" ] && [ "$4 $5" = "-n planted" ] && [ -f "%1$s/$3.txt" ]; then cat "%1$s/$3.txt"; exit 0; fi
                echo "Error from server (NotFound): configmaps \\"$3\\" not found" >&2; exit 1""".formatted(outputs));
        home.tool("curl", """
                if [ -e "%s" ]; then echo "curl: (22) The requested URL returned error: 401" >&2; exit 22; fi
                echo '{"commit":"03f502a94d","database":"ok","version":"11.3.0"}'""".formatted(home.scratch.resolve("curl-fails")));

        model = new MockWebServer();
        model.setDispatcher(modelAnswers(diagnostics));
        model.start(java.net.InetAddress.getLoopbackAddress(), 0);
        hook = new MockWebServer();
        hook.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                hooks.add(r.getBody().readUtf8());
                return new MockResponse().setResponseCode(204);
            }
        });
        hook.start(java.net.InetAddress.getLoopbackAddress(), 0);
        String apiKey = "sk-proj-" + "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6";
        home.env.putAll(engineEnv);
        home.env.put("OPENAI_API_KEY", apiKey);
        home.env.put("OPENAI_BASE_URL", model.url("/v1").toString());
        home.env.put("OPENAI_TIMEOUT", "120s");
        home.env.put("EXECUTOR_COMMAND", "cat " + diffFile);
        home.env.put("EXECUTOR_RETRY_THRESHOLD", "2");
        home.env.put("CASE_TOKEN_BUDGET", "400000");
        home.env.put("LOG_TAIL_LINES", "100000");
        home.env.put("NOTIFY_WEBHOOK_URL", hook.url("/hooks/homelab").toString());

        // ---- 1. a failing stage: executor (refused: its diff adds secrets), escalation, diagnostics, a fix
        Home.Result run = home.engine("run", "web", "homelab");
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(home.state("stage_status.json").path("homelab").asText()).as(run.all()).isEqualTo("green");
        assertThat(home.audit("homelab", "patch_refused")).as("the executor's diff").singleElement()
                .satisfies(e -> assertThat(e.at("/details/violations").toString()).contains("I8-secret"));
        assertThat(home.audit("homelab", "diagnostics_run")).as("every diagnostic ran")
                .hasSize(diagnostics.size()).allSatisfy(e -> assertThat(e.at("/details/exit_code").asInt()).isZero());
        assertThat(home.audit("homelab", "patch_applied")).singleElement();

        // ---- 2. watch: the web stage drifts (its check now fails); a webhook is told, /api/status is read while it escalates
        Files.writeString(home.scratch.resolve("curl-fails"), "");
        List<String> statusBodies = new ArrayList<>();
        String statusCli = watchBriefly(statusBodies);

        // ---- 3. another run of the engine builds the case again; a human tries to apply the executor's diff
        Home.Result preview = home.engine("case", "homelab");
        assertThat(preview.code()).as(preview.all()).isZero();
        assertThat(preview.out()).as("nothing was left out of the case").doesNotContain("token budget");
        Home.Result apply = home.engine("patch", "apply", diffFile.toString(), "--stage", "homelab");
        assertThat(apply.code()).as(apply.all()).isEqualTo(1);
        assertThat(apply.out()).contains("I8-secret").contains("[REDACTED:");
        Home.Result checkOut = home.engine("patch", "check", diffFile.toString());
        assertThat(checkOut.code()).isEqualTo(1);
        assertThat(checkOut.out()).contains("I8-secret");

        // ---- every channel, as text
        Map<String, String> channels = new LinkedHashMap<>();
        channels.put("requests", decoded(bodies));
        channels.put("escalations/", folder(home.ws.resolve("escalations")));
        channels.put("patches/", folder(home.ws.resolve("patches")));
        channels.put("audit", decoded(Files.readAllLines(home.ws.resolve("state/audit.jsonl"))));
        channels.put("webhook", decoded(hooks));
        channels.put("/api/status", decoded(statusBodies) + "\n" + decoded(List.of(statusCli)));
        channels.put("git log", home.git("log", "--format=%B", "ai/orchestrator-stage1"));
        channels.put("logs/diagnostics", folder(home.ws.resolve("logs/diagnostics")));
        channels.put("patch stdout", apply.out() + "\n" + checkOut.out());

        assertThat(bodies).as("homelab v1, v2 and web v1").hasSize(3);
        assertThat(hooks).as("drift and give_up").hasSize(2);
        assertThat(decoded(hooks)).contains("drift: curl -fsS -u 'admin:[REDACTED:");
        assertThat(decoded(statusBodies)).as("the reason quotes the check, redacted").contains("success check failed")
                .contains("-u 'admin:[REDACTED:");
        assertThat(channels.get("git log")).contains("Engine-Source: api").contains("[REDACTED:");
        // the full request body, system prompt and all, is what was checked
        assertThat(bodies.get(0)).contains("\"role\":\"system\"").contains("escalation tier");

        // ---- the secrets went in: each text reached the engine by its route
        Path v1 = only(home.ws.resolve("escalations"), "homelab_", "_case_v1.md");
        Path v2 = only(home.ws.resolve("escalations"), "homelab_", "_case_v2.md");
        String v1Text = Files.readString(v1);
        String rawLogs = folder(home.ws.resolve("logs/homelab"));
        String rawExecutor = folder(home.ws.resolve("logs/executor"));
        Set<String> diagnosticsRan = new LinkedHashSet<>();
        home.audit("homelab", "diagnostics_run").forEach(e -> diagnosticsRan.add(e.at("/details/command").asText()));
        assertThat(v1Text).doesNotContain("Left out to fit the token budget").doesNotContain("Not shown:");

        // ---- count, per context and channel
        Map<String, int[]> leaks = new TreeMap<>();
        Map<String, Integer> fed = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> names = new ArrayList<>(channels.keySet());
        for (PlantedCorpus.Context c : corpus) {
            int[] row = new int[names.size()];
            Set<String> fedHere = new LinkedHashSet<>();
            for (Placed p : placed) {
                if (p.context() != c) continue;
                boolean in = switch (p.route()) {
                    case TRACKED -> Pattern.compile("### `" + Pattern.quote(p.where()) + "`( \\(named in the log\\))?\nWhole file")
                            .matcher(v1Text).find();
                    case IGNORED, LOG -> rawLogs.contains(p.text().content().strip());
                    case DIAGNOSTIC -> diagnosticsRan.contains("kubectl get configmap " + p.where() + " -n planted");
                    case EXECUTOR -> rawExecutor.contains(p.text().content().strip());
                };
                if (!in) failures.add(c.name() + "/" + p.text().path() + ": never reached the engine (" + p.route() + ")");
                for (PlantedCorpus.Occurrence o : p.text().occurrences()) {
                    if (in) fedHere.add(o.joined());
                }
            }
            fed.put(c.name(), fedHere.size());
            for (String secret : c.secrets()) {
                List<String> pieces = pieces(secret, c);
                for (int i = 0; i < names.size(); i++) {
                    String text = channels.get(names.get(i));
                    for (String piece : pieces) {
                        if (text.contains(piece)) {
                            row[i]++;
                            failures.add(c.name() + ": in " + names.get(i) + ": " + abbreviate(piece));
                            break;
                        }
                    }
                }
            }
            leaks.put(c.name(), row);
        }
        // the engine's own key and the success check's password, which the corpus does not list as such
        for (String own : List.of(apiKey, grafanaPassword)) {
            channels.forEach((name, text) -> {
                if (text.contains(own)) failures.add("engine's own secret in " + name + ": " + abbreviate(own));
            });
        }

        StringBuilder table = new StringBuilder("planted secrets end to end (context: secrets, fed; found in each channel)\n");
        table.append(String.format("  %-28s %7s %4s", "context", "secrets", "fed"));
        for (String n : names) table.append(String.format(" %s", n));
        table.append('\n');
        int leaked = 0;
        for (PlantedCorpus.Context c : corpus) {
            table.append(String.format("  %-28s %7d %4d", c.name(), c.secrets().size(), fed.get(c.name())));
            int[] row = leaks.get(c.name());
            for (int i = 0; i < names.size(); i++) {
                table.append(String.format(" %" + names.get(i).length() + "d", row[i]));
                leaked += row[i];
            }
            table.append('\n');
        }
        table.append(String.format("  %-28s %7d %4d  leaked: %d%n", "total (" + corpus.size() + " contexts)", totalSecrets,
                fed.values().stream().mapToInt(Integer::intValue).sum(), leaked));
        System.out.print(table);

        // ---- placeholders: one value, one placeholder, in two case files of one run and in a second run
        byte[] key = Files.readAllBytes(home.ws.resolve("state/redaction.key"));
        Path previewFile = only(home.ws.resolve("escalations"), "homelab_", "_case_v1_preview.md");
        Map<String, Set<String>> inV1 = placeholdersByHex(v1Text);
        Map<String, Set<String>> inV2 = placeholdersByHex(Files.readString(v2));
        Map<String, Set<String>> inPreview = placeholdersByHex(Files.readString(previewFile));
        int stable = 0;
        for (Placed p : placed) {
            if (p.route() != Route.TRACKED) continue;
            for (PlantedCorpus.Occurrence o : p.text().occurrences()) {
                if (o.multiLine()) continue;
                String hex = hmac(key, o.value());
                if (!inV1.containsKey(hex)) continue; // an encoding of a value: named after the raw value
                stable++;
                if (inV1.get(hex).size() != 1 || !inV1.get(hex).equals(inV2.get(hex)) || !inV1.get(hex).equals(inPreview.get(hex))) {
                    failures.add(p.context().name() + "/" + p.where() + ": placeholders differ: v1 " + inV1.get(hex) + ", v2 "
                            + inV2.get(hex) + ", second run " + inPreview.get(hex));
                }
            }
        }
        System.out.println("placeholders checked stable (same in case v1, v2 and a second run): " + stable);
        assertThat(stable).isGreaterThanOrEqualTo(50);

        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        assertThat(fed.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(totalSecrets);
    }

    /** Runs `engine watch` until the web stage's drift has been escalated and notified; returns `status --json` taken meanwhile. */
    private String watchBriefly(List<String> statusBodies) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cancellation stop = new Cancellation();
        int[] code = {-1};
        Thread watch = new Thread(() -> code[0] = Main.execute(new String[] {"watch", "--listen", "127.0.0.1:0", "--interval", "1h"},
                new CliContext(home.env, home.ws, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC(), false, false, stop)), "watch");
        watch.start();
        try {
            assertThat(webAsked.await(120, TimeUnit.SECONDS)).as(out + "\n" + err).isTrue();
            Matcher m = Pattern.compile("listening on (http://[0-9.:]+)").matcher(out.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/api/status")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            statusBodies.add(r.body());
            Home.Result status = home.engine("status", "--json");
            assertThat(status.code()).as(status.all()).isZero();
            webMayAnswer.countDown();
            for (int i = 0; i < 600 && hooks.size() < 2; i++) Thread.sleep(100);
            r = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/api/status")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            statusBodies.add(r.body());
            return status.out();
        } finally {
            stop.cancel("test over");
            watch.join(60_000);
            assertThat(code[0]).as(out + "\n" + err).isZero();
        }
    }

    /** The model: diagnostics for homelab's first case, the fix for its second; give_up for web once the test let it. */
    private Dispatcher modelAnswers(List<String> diagnostics) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                try {
                    bodies.add(ChatCompletions.body(request));
                    String user = ChatCompletions.userMessage(request);
                    if (user.contains("stage `web`")) {
                        webAsked.countDown();
                        webMayAnswer.await(90, TimeUnit.SECONDS);
                        return ChatCompletions.giveUp("the grafana admin password was rotated; a human must update the check");
                    }
                    if (user.startsWith("# Case file v1")) {
                        return ChatCompletions.diagnostics("see what the cluster holds", diagnostics.toArray(String[]::new));
                    }
                    Matcher m = PLACEHOLDER.matcher(user.substring(user.indexOf("## Stage files")));
                    String seen = m.find() ? m.group() : "";
                    return ChatCompletions.patch("mark the homelab converged; the value " + seen + " stays as it is", """
                            --- a/stages/state.yaml
                            +++ b/stages/state.yaml
                            @@ -1 +1 @@
                            -converged: false
                            +converged: true
                            """);
                } catch (Exception e) {
                    return new MockResponse().setResponseCode(500).setBody(e.toString());
                }
            }
        };
    }

    /** What must not survive of a secret: each line of it (6+ characters, without indentation) and the whole. */
    private static List<String> pieces(String joined, PlantedCorpus.Context c) {
        List<String> out = new ArrayList<>();
        for (PlantedCorpus.Text t : c.texts()) {
            for (PlantedCorpus.Occurrence o : t.occurrences()) {
                if (!o.joined().equals(joined)) continue;
                for (String line : o.value().split("\r?\n")) {
                    String s = line.strip();
                    if (s.length() >= 6 && !out.contains(s)) out.add(s);
                }
            }
        }
        if (joined.length() >= 6 && !out.contains(joined)) out.add(joined);
        return out;
    }

    private static String valueOnLineWith(PlantedCorpus.Text t, String key) {
        for (PlantedCorpus.Occurrence o : t.occurrences()) {
            int lineStart = t.content().lastIndexOf('\n', o.start()) + 1;
            if (t.content().substring(lineStart, o.start()).contains(key)) return o.value();
        }
        return null;
    }

    /** Every JSON document's strings (decoded, so an escaped quote or backslash cannot hide a secret), and the raw text. */
    private static String decoded(List<String> docs) {
        StringBuilder sb = new StringBuilder();
        for (String d : docs) {
            sb.append(d).append('\n');
            try {
                strings(JSON.readTree(d), sb);
            } catch (IOException notJson) {
                // raw text only
            }
        }
        return sb.toString();
    }

    private static void strings(JsonNode n, StringBuilder sb) {
        if (n.isTextual()) {
            sb.append(n.asText()).append('\n');
            // a model's answer is JSON inside a JSON string
            String t = n.asText().strip();
            if (t.startsWith("{")) {
                try {
                    strings(JSON.readTree(t), sb);
                } catch (IOException notJson) {
                    // text only
                }
            }
        } else {
            n.forEach(x -> strings(x, sb));
        }
    }

    private static String folder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return "";
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                sb.append(f.getFileName()).append('\n').append(decoded(List.of(text)));
            }
        }
        return sb.toString();
    }

    private static Path only(Path dir, String prefix, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(suffix)).toList();
            assertThat(found).as(prefix + "*" + suffix + " in " + dir).hasSize(1);
            return found.get(0);
        }
    }

    private static Map<String, Set<String>> placeholdersByHex(String text) {
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) out.computeIfAbsent(m.group(2), h -> new TreeSet<>()).add(m.group());
        return out;
    }

    /** The placeholder's hex as DESIGN.md §8 defines it: HMAC-SHA256 of the secret under the home's key, 48 bits. */
    private static String hmac(byte[] key, String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)), 0, 6);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 40) + "…" + s.substring(s.length() - 10);
    }
}
