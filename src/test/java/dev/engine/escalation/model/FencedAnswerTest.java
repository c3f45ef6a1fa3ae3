package dev.engine.escalation.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: a model without structured outputs (or a server that drops the response format)
 * answers in a Markdown fence, as chat models do by habit. The bash loop took such answers; the
 * engine takes exactly one such block and checks the object in it like a bare one.
 */
class FencedAnswerTest {
    static final String PATCH = "--- a/cluster/talos/controlplane.yaml\\n+++ b/cluster/talos/controlplane.yaml\\n"
            + "@@ -1 +1 @@\\n-  install: /dev/sda\\n+  install: /dev/vda\\n";
    static final String OBJECT = "{\n  \"type\": \"patch\",\n  \"summary\": \"The VM disk is virtio: install to /dev/vda.\",\n"
            + "  \"patch\": \"" + PATCH + "\",\n  \"commands\": null,\n  \"reason\": null\n}";

    @ParameterizedTest
    @ValueSource(strings = {"```json\n%s\n```", "```\n%s\n```", "```JSON\n%s\n```\n", "\n\n```json \n%s\n```  \n",
        "```json\r\n%s\r\n```", "````json\n%s\n````", "~~~json\n%s\n~~~"})
    void oneFencedBlockIsTheAnswer(String shape) throws Exception {
        ModelAnswer a = ModelAnswer.parse(shape.formatted(OBJECT));
        assertThat(a.type()).isEqualTo(ModelAnswer.Type.PATCH);
        assertThat(a.summary()).isEqualTo("The VM disk is virtio: install to /dev/vda.");
        assertThat(a.patch()).contains("+  install: /dev/vda\n");
    }

    @Test
    void aFencedAnswerIsNeverNotValidJson() throws Exception {
        // What a local model behind an OpenAI-compatible server sent the bash loop (shape of issue 14).
        String content = "```json\n{\"type\": \"diagnostics\", \"summary\": \"Need the node state.\", \"patch\": null,"
                + " \"commands\": [\"talosctl --nodes 10.0.0.11 get machinestatus\", \"kubectl get nodes -o wide\"], \"reason\": null}\n```";
        ModelAnswer a = ModelAnswer.parse(content);
        assertThat(a.commands()).containsExactly("talosctl --nodes 10.0.0.11 get machinestatus", "kubectl get nodes -o wide");
    }

    @Test
    void theSchemaHoldsInsideTheFence() {
        assertThatThrownBy(() -> ModelAnswer.parse("```json\n{\"type\":\"patch\",\"summary\":\"s\",\"patch\":null}\n```"))
                .isInstanceOf(InvalidAnswerException.class).hasMessageContaining("'patch' is missing or empty");
        assertThatThrownBy(() -> ModelAnswer.parse("```json\n{\"type\":\"give_up\",\"summary\":\"s\",\"reason\":\"r\",\"sudo\":true}\n```"))
                .hasMessageContaining("does not allow: sudo");
        assertThatThrownBy(() -> ModelAnswer.parse("```json\n{\"type\":\"patch\",\"type\":\"give_up\",\"summary\":\"s\"}\n```"))
                .hasMessageContaining("fenced block is not valid JSON");
        assertThatThrownBy(() -> ModelAnswer.parse("```json\n" + OBJECT + "\n" + OBJECT + "\n```"))
                .hasMessageContaining("fenced block is not valid JSON");
        assertThatThrownBy(() -> ModelAnswer.parse("```json\n```")).hasMessageContaining("fenced block is empty");
    }

    @Test
    void twoBlocksAreRefusedWhateverTheySay() {
        String two = "```json\n" + OBJECT + "\n```\n```json\n{\"type\":\"give_up\",\"summary\":\"s\",\"reason\":\"r\"}\n```";
        assertThatThrownBy(() -> ModelAnswer.parse(two)).isInstanceOf(InvalidAnswerException.class)
                .hasMessageContaining("more than one fenced block");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Here is the fix:\n```json\n%s\n```",
        "```json\n%s\n```\nApply it and re-run the stage.",
        "```json\n%s",
        "%s\n```"})
    void textOutsideTheBlockIsRefused(String shape) {
        assertThatThrownBy(() -> ModelAnswer.parse(shape.formatted(OBJECT))).isInstanceOf(InvalidAnswerException.class)
                .hasMessageContaining("text outside its fenced block");
    }

    @Test
    void aBlockInAnotherLanguageOrBadlyClosedIsRefused() {
        assertThatThrownBy(() -> ModelAnswer.parse("```yaml\n" + OBJECT + "\n```")).hasMessageContaining("marked 'yaml', not json");
        assertThatThrownBy(() -> ModelAnswer.parse("````json\n" + OBJECT + "\n```")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> ModelAnswer.parse("```json\n" + OBJECT + "\n~~~")).hasMessageContaining("not closed");
    }

    @Test
    void aBareAnswerQuotingAFenceInAStringIsStillBare() throws Exception {
        // A patch to a Markdown file carries ``` inside a JSON string: escaped, it never starts a line.
        String json = "{\"type\":\"patch\",\"summary\":\"s\",\"patch\":\"--- a/README.md\\n+++ b/README.md\\n@@ -1 +1 @@\\n-```\\n+```sh\\n\","
                + "\"commands\":null,\"reason\":null}";
        assertThat(ModelAnswer.parse(json).patch()).contains("+```sh\n");
    }
}
