package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The clean corpus (stage scripts, manifests, logs without secrets, the v2-homelab fixture when
 * present): shell parameter expansions stay as they are, and the redactor changes at most 1 % of
 * the lines (the figure itself is printed by bench/redaction-fp.sh).
 */
class CleanCorpusTest {
    /** {@code ${NAME...}} with an operator or not, nested braces aside. */
    private static final Pattern EXPANSION = Pattern.compile("\\$\\{[A-Za-z_#!][^{}\\n]*}");

    @Test
    void shell_parameter_expansions_are_code_and_stay_untouched() {
        Redactor r = Redactor.create(Secrets.KEY, Map.of());
        List<String> mangled = new ArrayList<>();
        int seen = 0;
        for (CleanCorpus.Doc d : CleanCorpus.load()) {
            String out = r.redactFile(d.path(), d.text());
            String[] in = d.text().split("\n", -1);
            String[] got = out.split("\n", -1);
            assertThat(got).as(d.path() + ": line count").hasSameSizeAs(in);
            for (int i = 0; i < in.length; i++) {
                Matcher m = EXPANSION.matcher(in[i]);
                while (m.find()) {
                    seen++;
                    if (!got[i].contains(m.group())) {
                        mangled.add(d.path() + ":" + (i + 1) + " " + m.group() + " became: " + got[i].strip());
                    }
                }
            }
        }
        assertThat(seen).as("expansions in the corpus, ${VAR:0:4} and ${SSH_PASS:+*****} among them").isGreaterThan(60);
        assertThat(mangled).isEmpty();
    }

    @Test
    void the_corpus_holds_the_expansions_the_earlier_run_mangled() {
        String all = String.join("\n", CleanCorpus.load().stream().map(CleanCorpus.Doc::text).toList());
        assertThat(all).contains("${CF_API_TOKEN:0:4}", "${SSH_PASS:+*****}", "${PROXMOX_TOKEN_SECRET:0:4}", "${SSH_PASS//?/*}");
    }

    @Test
    void at_most_one_percent_of_clean_lines_change() throws Exception {
        CleanCorpus.Result res = CleanCorpus.measure(CleanCorpus.load(), Secrets.KEY);
        assertThat(res.lines()).isGreaterThan(3000);
        assertThat(res.share()).as(res.changes().toString()).isLessThanOrEqualTo(0.01);
    }
}
