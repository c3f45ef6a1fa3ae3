package dev.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** -o table|wide|json|yaml, --json and --no-headers of status, audit and review list, through the real CLI. */
class OutputFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
                    command: "stages/talos.sh"
                    files: [stages/talos.sh]
                """);
        home.script("stages/talos.sh", "echo 'dial tcp 10.0.0.5:50000: connect: connection refused'\nexit 1");
        home.commit("stages");
        home.engine("run", "vms", "talos");
    }

    @Test
    void status_o_json_is_the_json_document_and_yaml_carries_the_same_tree() throws Exception {
        Home.Result json = home.engine("status", "--json");
        Home.Result o = home.engine("status", "-o", "json");
        Home.Result yaml = home.engine("status", "--output=yaml");
        assertThat(json.code()).isZero();
        assertThat(o.out()).isEqualTo(json.out());
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("stages").get(1).get("status").asText()).isEqualTo("give_up");
        // YAML is the same document: same snake_case keys, same values, nothing added or left out.
        Object fromYaml = new Yaml().load(yaml.out());
        assertThat(tree(fromYaml)).isEqualTo(doc);
        assertThat(yaml.out()).contains("last_fingerprint: ").doesNotContain("{").doesNotContain("!!");
    }

    @Test
    void status_json_keeps_the_fields_scripts_read() throws Exception {
        JsonNode doc = JSON.readTree(home.engine("status", "--json").out());
        List<String> top = iterable(doc.fieldNames());
        assertThat(top).containsExactly("home", "workspace", "stages", "ai_branch", "lock_held");
        assertThat(iterable(doc.get("stages").get(1).fieldNames())).containsExactly("name", "status", "reason", "attempts",
                "attempt_counter", "last_fingerprint", "api_calls", "api_call_budget", "stage_api_calls", "stage_api_call_cap",
                "tokens", "last_run", "last_duration_ms", "last_exit", "last_log", "in_context_map");
    }

    @Test
    void status_wide_adds_columns_and_no_headers_leaves_one_line_per_stage() {
        Home.Result table = home.engine("status");
        assertThat(table.out()).startsWith("STAGE ").contains("             reason: ").contains("AI branch ");

        Home.Result wide = home.engine("status", "-o", "wide");
        assertThat(wide.code()).isZero();
        String header = wide.out().lines().findFirst().orElseThrow();
        assertThat(header).contains("STAGE API").contains("DURATION").contains("EXIT").endsWith("REASON");
        String talos = wide.out().lines().filter(l -> l.startsWith("talos ")).findFirst().orElseThrow();
        assertThat(talos).contains("give_up").contains("0/9").endsWith("escalation is unavailable: OPENAI_API_KEY is not set");
        assertThat(wide.out()).doesNotContain("reason: ");

        Home.Result rows = home.engine("status", "--no-headers");
        assertThat(rows.out().lines().toList()).hasSize(2)
                .satisfiesExactly(l -> assertThat(l).startsWith("vms ").contains("green"),
                        l -> assertThat(l).startsWith("talos ").contains("give_up"));
        assertThat(home.engine("status", "-o", "wide", "--no-headers").out().lines().toList()).hasSize(2);
    }

    @Test
    void contradicting_or_unknown_formats_are_usage_errors() {
        Home.Result both = home.engine("status", "--json", "-o", "yaml");
        assertThat(both.code()).isEqualTo(Main.USAGE);
        assertThat(both.err()).contains("--json and -o yaml contradict");
        Home.Result xml = home.engine("audit", "-o", "xml");
        assertThat(xml.code()).isEqualTo(Main.USAGE);
        assertThat(xml.err()).contains("'xml' is not an output format").contains("table, wide, json or yaml");
        assertThat(home.engine("status", "--json", "-o", "json").code()).isZero();
    }

    @Test
    void audit_yaml_is_the_json_lines_as_one_list() throws Exception {
        Home.Result lines = home.engine("audit", "--stage", "talos", "--tail", "0", "--json");
        Home.Result o = home.engine("audit", "--stage", "talos", "--tail", "0", "-o", "json");
        assertThat(o.out()).isEqualTo(lines.out());
        List<JsonNode> events = lines.out().lines().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(l, e);
            }
        }).toList();
        assertThat(events).isNotEmpty();
        Object yaml = new Yaml().load(home.engine("audit", "--stage", "talos", "--tail", "0", "-o", "yaml").out());
        assertThat(tree(yaml)).isEqualTo(tree(events));
        // The table is a log without a header: wide and --no-headers print the same lines.
        String table = home.engine("audit", "--stage", "talos").out();
        assertThat(home.engine("audit", "--stage", "talos", "-o", "wide").out()).isEqualTo(table);
        assertThat(home.engine("audit", "--stage", "talos", "--no-headers").out()).isEqualTo(table);
    }

    @Test
    void review_list_in_every_format() throws Exception {
        home.write("fix.diff", """
                --- a/stages/talos.sh
                +++ b/stages/talos.sh
                @@ -1,3 +1,3 @@
                 #!/usr/bin/env bash
                 echo 'dial tcp 10.0.0.5:50000: connect: connection refused'
                -exit 1
                +exit 0
                """);
        assertThat(home.engine("patch", "apply", "fix.diff", "--stage", "talos", "-m", "exit cleanly").code()).isZero();
        String sha = home.git("rev-parse", "ai/orchestrator-stage1").strip();

        JsonNode doc = JSON.readTree(home.engine("review", "list", "-o", "json").out());
        assertThat(doc.get("ai_branch").asText()).isEqualTo("ai/orchestrator-stage1");
        assertThat(doc.get("main").asText()).isEqualTo("main");
        JsonNode c = doc.get("pending").get(0);
        assertThat(c.get("sha").asText()).isEqualTo(sha);
        assertThat(c.get("stage").asText()).isEqualTo("talos");
        assertThat(c.get("source").asText()).isEqualTo("manual");
        assertThat(c.get("files").get(0).asText()).isEqualTo("stages/talos.sh");
        assertThat(c.get("added").asInt()).isEqualTo(1);
        assertThat(c.get("green_after").asBoolean()).isFalse();
        assertThat(JSON.readTree(home.engine("review", "--json").out())).isEqualTo(doc);
        assertThat(tree(new Yaml().load(home.engine("review", "list", "-o", "yaml").out()))).isEqualTo(doc);

        assertThat(home.engine("review", "list", "--no-headers").out().lines().toList())
                .singleElement().satisfies(l -> assertThat(l).startsWith(sha.substring(0, 7)).contains("exit cleanly"));
        Home.Result wide = home.engine("review", "list", "-o", "wide");
        assertThat(wide.out()).contains("FILES").contains("TIME");
        assertThat(wide.out().lines().filter(l -> l.startsWith(sha.substring(0, 7)))).singleElement()
                .satisfies(l -> assertThat(l).contains("stages/talos.sh").contains("exit cleanly"));
        assertThat(home.engine("review", "list").out()).contains("1 AI commit(s)").contains("files: stages/talos.sh");
    }

    private static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
