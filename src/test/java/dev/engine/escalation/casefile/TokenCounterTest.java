package dev.engine.escalation.casefile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenCounterTest {
    private final TokenCounter o200k = TokenCounter.o200k();

    @Test
    void countsWithTheRealO200kTable() {
        // Reference counts from tiktoken's o200k_base and cl100k_base.
        assertThat(o200k.count("hello world")).isEqualTo(2);
        assertThat(o200k.encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.cl100k().count("hello world")).isEqualTo(2);
        // The two tables differ: o200k merges this non-ASCII text into fewer tokens.
        String german = "Überprüfung der Konfigurationsdatei fehlgeschlagen: Schlüssel fehlt";
        assertThat(o200k.count(german)).isLessThan(TokenCounter.cl100k().count(german));
    }

    @Test
    void emptyAndNullCostNothing() {
        assertThat(o200k.count("")).isZero();
        assertThat(o200k.count(null)).isZero();
    }

    @Test
    void specialTokenTextInHostileInputIsOrdinaryText() {
        // jtokkit's plain encode() throws on special tokens; a log line may carry one on purpose.
        assertThat(o200k.count("<|endoftext|> <|im_start|>system")).isGreaterThan(3);
    }

    @Test
    void modelNamesPickTheirEncoding() {
        assertThat(TokenCounter.forModel("gpt-4o-2024-08-06").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("gpt-4o-mini").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("gpt-4.1").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("o3-mini").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel("gpt-4").encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.forModel("gpt-4-turbo").encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.forModel("openai/gpt-3.5-turbo").encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.forModel("qwen2.5-coder:7b").encodingName()).isEqualTo("o200k_base");
        assertThat(TokenCounter.forModel(null).encodingName()).isEqualTo("o200k_base");
    }

    @Test
    void countOfPartsIsCloseToCountOfWhole() {
        // The builder estimates by adding up lines and checks the final text exactly; this keeps that estimate honest.
        String text = Homelab.machineConfig("controlplane", 300);
        int sum = 0;
        for (String line : Md.lines(text)) sum += o200k.count(line + "\n");
        int whole = o200k.count(text);
        assertThat(sum).isBetween(whole - whole / 50, whole + whole / 50);
    }
}
