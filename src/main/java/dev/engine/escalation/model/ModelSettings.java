package dev.engine.escalation.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how to call the model.
 *
 * @param baseUrl an OpenAI-compatible API root including the version, e.g. {@code https://api.openai.com/v1}
 *     or Ollama's {@code http://127.0.0.1:11434/v1}; null or blank means OpenAI
 * @param apiKey the bearer key (surrounding whitespace dropped); null or blank for local servers that need none
 * @param model the model name sent with every request
 * @param timeout how long one HTTP attempt may take, answer included
 * @param maxRetries transport retries per {@link ModelClient#ask} (connection failure, 408, 429, 5xx); 0 to 10
 */
public record ModelSettings(String baseUrl, String apiKey, String model, Duration timeout, int maxRetries) {

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);
    public static final int DEFAULT_MAX_RETRIES = 3;

    public ModelSettings {
        baseUrl = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : stripTrailingSlashes(baseUrl.strip());
        checkUrl(baseUrl);
        apiKey = apiKey == null ? null : apiKey.strip();
        if (apiKey != null && apiKey.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            // Named without its value: a key pasted with a line break would otherwise fail deep in HTTP code.
            throw new IllegalArgumentException("OPENAI_API_KEY contains spaces or control characters (a pasted line break?)");
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("no model name given (OPENAI_MODEL)");
        }
        model = model.strip();
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("model timeout must be positive, not " + timeout);
        }
        if (maxRetries < 0 || maxRetries > 10) {
            throw new IllegalArgumentException("model maxRetries must be 0 to 10, not " + maxRetries);
        }
    }

    public boolean hasApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    /** The base URL without user info, query or fragment: what may be shown to an operator. */
    public String displayUrl() {
        URI uri = URI.create(baseUrl);
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ModelSettings[baseUrl=" + displayUrl() + ", apiKey=" + (hasApiKey() ? "(set)" : "(none)")
                + ", model=" + model + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }

    private static String stripTrailingSlashes(String url) {
        String out = url;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }

    private static void checkUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("OPENAI_BASE_URL must be an http(s) URL such as "
                        + DEFAULT_BASE_URL + ", not '" + Untrusted.excerpt(withoutUserInfo(url), 80) + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("OPENAI_BASE_URL is not a valid URL ('"
                    + Untrusted.excerpt(withoutUserInfo(url), 80) + "'): " + e.getReason());
        }
    }

    // A URL with credentials in it must not be echoed into an error message.
    private static String withoutUserInfo(String url) {
        return url.replaceAll("(?<=://)[^/@]*@", "***@");
    }
}
