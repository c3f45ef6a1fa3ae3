package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus (src/test/resources/diagnostics/hostile.txt, each group naming its real
 * source) is refused line by line with the expected rule id, and the benign corpus is allowed, with
 * known-names.txt standing in for the stage's files, failure log and context map.
 */
class DiagnosticsCorpusTest {
    /** Rules that bind a human's configured entry as much as a model's request. */
    private static final Set<String> ALSO_CONFIGURED = Set.of("flag-config", "flag-file", "plugin", "secret", "verb", "never-ends",
            "talosctl-resource", "dns-server", "dns-transfer", "dns-option", "pvesh-access", "pvesh-secret", "flag-unknown");

    record Line(int number, String rule, boolean requestOnly, String command) {
        @Override
        public String toString() {
            return "hostile.txt:" + number + " " + command;
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DiagnosticsCorpusTest.class.getResourceAsStream("/diagnostics/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Immutable; built once, as the engine builds one per diagnostics answer. */
    private static final DiagnosticsPolicy POLICY = load();

    private static DiagnosticsPolicy load() {
        try {
            return new DiagnosticsPolicy(List.of(), Map.of(), KnownNames.of(resource("known-names.txt")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DiagnosticsPolicy policy() {
        return POLICY;
    }

    static List<Line> hostile() throws IOException {
        List<Line> out = new ArrayList<>();
        String[] lines = resource("hostile.txt").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            int tab = l.indexOf('\t');
            assertThat(tab).as("hostile.txt:%d needs 'rule<TAB>command'", i + 1).isPositive();
            String rule = l.substring(0, tab);
            boolean requestOnly = rule.endsWith("@request");
            out.add(new Line(i + 1, requestOnly ? rule.substring(0, rule.indexOf('@')) : rule, requestOnly, l.substring(tab + 1)));
        }
        return out;
    }

    static List<String> benign() throws IOException {
        return resource("benign.txt").lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    static Stream<Arguments> hostileLines() throws IOException {
        return hostile().stream().map(Arguments::of);
    }

    static Stream<Arguments> configuredHostileLines() throws IOException {
        return hostile().stream().filter(l -> !l.requestOnly() && ALSO_CONFIGURED.contains(l.rule())).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileLines")
    void everyHostileRequestIsRefusedByItsRule(Line line) throws IOException {
        Verdict v = policy().check(line.command());

        assertThat(v).as(line.toString()).isInstanceOf(Verdict.Refused.class);
        Verdict.Refused refused = (Verdict.Refused) v;
        assertThat(refused.rule().id()).as("%s: %s", line, refused.reason()).isEqualTo(line.rule());
        assertThat(refused.reason()).as(line.toString()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configuredHostileLines")
    void theSameFormsInAStagesOwnDiagnosticsAreViolations(Line line) throws IOException {
        List<DiagnosticsPolicy.Violation> violations = DiagnosticsPolicy.checkConfigured(line.command(), Map.of());

        assertThat(violations).as(line.toString()).isNotEmpty();
        assertThat(violations.get(0).rule().id()).as("%s: %s", line, violations).isEqualTo(line.rule());
        // And a request that selects such an entry does not run it.
        DiagnosticsPolicy configured = new DiagnosticsPolicy(List.of(line.command()), Map.of(), KnownNames.of(resource("known-names.txt")));
        Verdict v = configured.check(line.command());
        assertThat(v).as(line.toString()).isInstanceOf(Verdict.Refused.class);
        assertThat(((Verdict.Refused) v).reason()).startsWith("matches the stage diagnostic #1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void everyOrdinaryRequestIsAllowed(String command) throws IOException {
        Verdict v = policy().check(command);

        assertThat(v).as(command).isInstanceOf(Verdict.Allowed.class);
        Verdict.Allowed a = (Verdict.Allowed) v;
        assertThat(a.rule()).startsWith("read-only: ");
        assertThat(a.pipeline()).hasSize(1);
    }

    @Test
    void theCorporaAreLargeEnoughAndCoverEveryRequestRule() throws IOException {
        List<Line> hostile = hostile();
        assertThat(hostile).hasSizeGreaterThanOrEqualTo(150);
        assertThat(benign()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(hostile.stream().map(Line::rule).distinct()).containsAll(List.of("flag-config", "flag-file", "plugin", "secret",
                "verb", "never-ends", "talosctl-resource", "dns-server", "dns-transfer", "dns-option", "dns-unknown-name",
                "host-unknown", "pvesh-access", "pvesh-secret", "command", "metachar", "non-ascii"));
    }
}
