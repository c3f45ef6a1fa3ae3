package dev.engine.redact;

import static dev.engine.redact.Secrets.random;
import static dev.engine.redact.Secrets.redactor;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Layer 4: a token a terminal, fold or a log shipper broke over lines still goes, every piece of it. */
class WrappedTokenTest {

    @Test
    void over_two_lines_at_any_point() {
        String token = "ghp_" + random(36);
        for (int cut = 6; cut < token.length() - 2; cut += 7) {
            String text = "$ gh auth token\n" + token.substring(0, cut) + "\n" + token.substring(cut) + "\n$ next\n";
            String out = redactor().redact(text);
            assertThat(out).as("cut at %d", cut).doesNotContain(token.substring(0, cut)).doesNotContain(token.substring(cut) + "\n")
                    .startsWith("$ gh auth token\n[REDACTED:").endsWith("]\n$ next\n");
        }
    }

    @Test
    void over_three_and_more_lines_by_fold() {
        String token = "sk-proj-" + random(150);
        StringBuilder folded = new StringBuilder();
        for (int i = 0; i < token.length(); i += 64) {
            folded.append(token, i, Math.min(token.length(), i + 64)).append('\n');
        }
        String out = redactor().redact("$ echo \"$OPENAI_API_KEY\" | fold -w 64\n" + folded + "$ done\n");
        for (String line : folded.toString().split("\n")) {
            assertThat(out).doesNotContain(line);
        }
        assertThat(out).endsWith("\n$ done\n");
    }

    @Test
    void the_next_line_is_not_taken_for_the_rest_of_a_complete_token() {
        String key = "sk-proj-" + random(60);
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0." + random(40);
        String out = redactor().redact("OPENAI_API_KEY=" + key + "\nAuthorization: Bearer " + jwt + "\nCaches populated\n");
        assertThat(out).contains("\nAuthorization: Bearer [REDACTED:").endsWith("]\nCaches populated\n");
    }
}
