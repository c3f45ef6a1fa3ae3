package dev.engine.redact;

/**
 * A stretch {@code [start, end)} of the input to replace, and the layer that found it.
 *
 * @param kind the token format that matched ({@code github-token}, {@code private-key}), or null when
 *     the placeholder's kind is derived from the value alone
 * @param identity for a known secret found in an encoded form (base64, URL, JSON), the raw secret:
 *     the placeholder then names the raw secret so the model sees that both are one value; null
 *     when the replaced text is the secret itself
 * @param form how {@code identity} was encoded ({@code b64}, {@code url}, {@code json}), or null
 */
record Span(int start, int end, Layer layer, String kind, String identity, String form) {

    /** Who found a span, in increasing confidence. */
    enum Layer {
        /** A random-looking value in assignment position. */
        ENTROPY,
        /** A value placed where secrets go: a secret-named key, flag, header, Secret data. */
        FIELD,
        /** A value another layer found in this text, searched for in the rest of it. */
        LEARNED,
        /** A value the workspace or the environment is known to hold. */
        KNOWN,
        /** A documented token format or key encoding. */
        FORMAT
    }

    Span(int start, int end, Layer layer, String kind) {
        this(start, end, layer, kind, null, null);
    }

    Span(int start, int end, Layer layer) {
        this(start, end, layer, null, null, null);
    }

    Span withRange(int s, int e) {
        return new Span(s, e, layer, kind, identity, form);
    }

    /** True for the layers that alone justify refusing a patch: known values, token formats, keys. */
    boolean highConfidence() {
        return layer == Layer.KNOWN || layer == Layer.FORMAT;
    }
}
