package dev.engine.escalation.casefile;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;
import java.util.Objects;

/**
 * Counts tokens the way the OpenAI API does, with jtokkit's BPE tables (shipped in its jar, no
 * network). Text is counted as ordinary text: a log line that contains {@code <|endoftext|>} is
 * hostile input, not a control token, and the API treats it the same way.
 *
 * <p>Loading a table costs about half a second, so each table is loaded once per JVM, on first use
 * (holder classes), and only when a case file is built.
 */
public final class TokenCounter {
    private final Encoding encoding;

    private TokenCounter(Encoding encoding) {
        this.encoding = encoding;
    }

    /** o200k_base: gpt-4o, gpt-4.1, o1/o3/o4, gpt-5 and later models. */
    public static TokenCounter o200k() {
        return new TokenCounter(O200k.ENCODING);
    }

    /** cl100k_base: gpt-4, gpt-4-turbo and gpt-3.5-turbo. */
    public static TokenCounter cl100k() {
        return new TokenCounter(Cl100k.ENCODING);
    }

    /**
     * The counter for a model name as given in {@code OPENAI_MODEL}. The older gpt-4 and gpt-3.5
     * families use cl100k_base; anything else, including names this version does not know (newer
     * OpenAI models, local OpenAI-compatible servers), is counted with o200k_base, the encoding of
     * every current OpenAI model. For a local model the count is an estimate either way.
     */
    public static TokenCounter forModel(String model) {
        String m = Objects.requireNonNullElse(model, "").trim().toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) m = m.substring(slash + 1); // "openai/gpt-4" as some gateways spell it
        boolean legacy = m.startsWith("gpt-3.5") || m.startsWith("gpt-35")
                || (m.startsWith("gpt-4") && !m.startsWith("gpt-4o") && !m.startsWith("gpt-4.") && !m.startsWith("gpt-4-o"));
        return legacy ? cl100k() : o200k();
    }

    /** The tokens {@code text} costs; 0 for null or empty text. */
    public int count(String text) {
        if (text == null || text.isEmpty()) return 0;
        return encoding.countTokensOrdinary(text);
    }

    /**
     * The tokens {@code text} costs if that is at most {@code limit}, else {@code limit + 1}. Stops
     * encoding at the limit, so asking whether a 3 MB file fits a 16k budget costs as much as
     * encoding 16k tokens, not the whole file.
     */
    public int countUpTo(String text, int limit) {
        if (text == null || text.isEmpty()) return 0;
        if (limit < 1) return 1;
        if (text.length() <= limit) return count(text); // a token is at least one character
        EncodingResult r = encoding.encodeOrdinary(text, limit);
        return r.isTruncated() ? limit + 1 : r.getTokens().size();
    }

    /** "o200k_base" or "cl100k_base", for notes and the audit trail. */
    public String encodingName() {
        return encoding.getName();
    }

    private static final class O200k {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    private static final class Cl100k {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }
}
