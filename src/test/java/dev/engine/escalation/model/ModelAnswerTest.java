package dev.engine.escalation.model;

import static dev.engine.escalation.model.ChatWire.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelAnswerTest {

    @Test
    void schemaIsStrictModeCompatible() {
        JsonNode schema = ChatWire.tree(ModelAnswer.JSON_SCHEMA);
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
        List<String> properties = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(n -> required.add(n.asText()));
        assertThat(required).containsExactlyInAnyOrderElementsOf(properties)
                .containsExactlyInAnyOrder("type", "summary", "patch", "commands", "reason");
        assertThat(schema.at("/properties/type/enum")).extracting(JsonNode::asText)
                .containsExactly("patch", "diagnostics", "give_up");
    }

    @Test
    void patchKeepsOnlyWhatBelongsToAPatch() throws Exception {
        ModelAnswer a = ModelAnswer.parse(answer("patch", "  Fix it. ", "--- a/x\n+++ b/x\n",
                new String[] {"kubectl get pods"}, "because"));
        assertThat(a.type()).isEqualTo(ModelAnswer.Type.PATCH);
        assertThat(a.summary()).isEqualTo("Fix it.");
        assertThat(a.patch()).isEqualTo("--- a/x\n+++ b/x\n");
        assertThat(a.commands()).isEmpty();
        assertThat(a.reason()).isEqualTo("because");
    }

    @Test
    void diagnosticsNeverCarriesAPatch() throws Exception {
        ModelAnswer a = ModelAnswer.parse(answer("diagnostics", "Look.", "--- a/x\n+++ b/x\n",
                new String[] {" kubectl get nodes "}, null));
        assertThat(a.patch()).isNull();
        assertThat(a.commands()).containsExactly("kubectl get nodes");
    }

    @Test
    void nonApplicableFieldsMayBeOmittedInJsonObjectMode() throws Exception {
        ModelAnswer a = ModelAnswer.parse("{\"type\":\"give_up\",\"summary\":\"s\",\"reason\":\"r\"}");
        assertThat(a.type()).isEqualTo(ModelAnswer.Type.GIVE_UP);
        assertThat(a.commands()).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "''                                                                                     | empty",
        "not json                                                                               | not valid JSON",
        "[1,2]                                                                                  | not a JSON object",
        "{\"type\":\"patch\",\"summary\":\"s\",\"patch\":\"p\"} trailing                       | not valid JSON",
        "{\"type\":\"patch\",\"type\":\"give_up\",\"summary\":\"s\",\"patch\":\"p\"}          | not valid JSON",
        "{\"summary\":\"s\",\"patch\":\"p\",\"commands\":null,\"reason\":null}                 | 'type' is missing",
        "{\"type\":\"PATCH\",\"summary\":\"s\",\"patch\":\"p\",\"commands\":null,\"reason\":null} | expected patch",
        "{\"type\":\"patch\",\"summary\":\" \",\"patch\":\"p\",\"commands\":null,\"reason\":null} | 'summary'",
        "{\"type\":\"patch\",\"summary\":\"s\",\"patch\":\"  \",\"commands\":null,\"reason\":null} | 'patch' is missing or empty",
        "{\"type\":\"patch\",\"summary\":\"s\",\"patch\":42,\"commands\":null,\"reason\":null}   | 'patch' must be a string",
        "{\"type\":\"diagnostics\",\"summary\":\"s\",\"patch\":null,\"commands\":[],\"reason\":null} | 'commands' is missing or empty",
        "{\"type\":\"diagnostics\",\"summary\":\"s\",\"patch\":null,\"commands\":\"ls\",\"reason\":null} | must be an array",
        "{\"type\":\"diagnostics\",\"summary\":\"s\",\"patch\":null,\"commands\":[\"ls\",\" \"],\"reason\":null} | commands[1]",
        "{\"type\":\"diagnostics\",\"summary\":\"s\",\"patch\":null,\"commands\":[\"ls\",7],\"reason\":null} | commands[1]",
        "{\"type\":\"give_up\",\"summary\":\"s\",\"patch\":null,\"commands\":null,\"reason\":null} | 'reason' is missing",
        "{\"type\":\"give_up\",\"summary\":\"s\",\"patch\":null,\"commands\":null,\"reason\":\"r\",\"sudo\":1} | does not allow: sudo",
    })
    void violationsAreNamed(String json, String expected) {
        assertThatThrownBy(() -> ModelAnswer.parse(json))
                .isInstanceOf(InvalidAnswerException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void sizeLimitsHold() {
        String[] tooMany = IntStream.range(0, 21).mapToObj(i -> "kubectl get pods -n ns" + i).toArray(String[]::new);
        assertThatThrownBy(() -> ModelAnswer.parse(answer("diagnostics", "s", null, tooMany, null)))
                .hasMessageContaining("21 commands");
        String[] twenty = IntStream.range(0, 20).mapToObj(i -> "kubectl get pods -n ns" + i).toArray(String[]::new);
        assertThat(catchParse(answer("diagnostics", "s", null, twenty, null))).isNull();

        assertThatThrownBy(() -> ModelAnswer.parse(answer("diagnostics", "s", null, new String[] {"x".repeat(1001)}, null)))
                .hasMessageContaining("longer than 1000");
        assertThatThrownBy(() -> ModelAnswer.parse(answer("patch", "s".repeat(2001), "p", null, null)))
                .hasMessageContaining("'summary' is 2001 characters");
        assertThatThrownBy(() -> ModelAnswer.parse(answer("patch", "s", "p".repeat(200_001), null, null)))
                .hasMessageContaining("'patch' is 200001 characters");
        assertThatThrownBy(() -> ModelAnswer.parse(" ".repeat(ModelAnswer.MAX_CONTENT_CHARS + 1)))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> ModelAnswer.parse("{\"x\":\"" + "a".repeat(ModelAnswer.MAX_CONTENT_CHARS) + "\"}"))
                .hasMessageContaining("more than the " + ModelAnswer.MAX_CONTENT_CHARS);
    }

    @Test
    void hostileTextInMessagesIsCleanedAndShort() {
        String hostile = "{\"type\":\"\\u001b[2J\\nrm -rf / " + "A".repeat(500) + "\",\"summary\":\"s\"}";
        assertThatThrownBy(() -> ModelAnswer.parse(hostile))
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\n");
                    assertThat(e.getMessage().length()).isLessThan(300);
                });
    }

    private static Exception catchParse(String json) {
        try {
            ModelAnswer.parse(json);
            return null;
        } catch (InvalidAnswerException e) {
            return e;
        }
    }
}
