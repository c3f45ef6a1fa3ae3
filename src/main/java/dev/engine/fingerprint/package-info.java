/**
 * Failure fingerprints: a short hash of the normalized end of a failed stage's log, so the
 * engine can count repeated occurrences of one failure together and tell different ones apart.
 *
 * <p>{@link dev.engine.fingerprint.Fingerprinter} reads at most
 * {@link dev.engine.fingerprint.TailReader#DEFAULT_MAX_BYTES} from the end of a log,
 * normalizes each line with {@link dev.engine.fingerprint.LogNormalizer} (run-specific noise
 * becomes placeholders such as {@code <ts>}, {@code <ip>}, {@code <port>}, {@code <pod>};
 * service ports, exit codes and statuses stay), skips lines that normalize to blank, collapses
 * repeated lines and repeated rounds of up to eight lines, and keeps the last {@code tailLines}
 * of what remains. An empty or blank log yields
 * {@link dev.engine.fingerprint.Fingerprint#EMPTY_HASH} with an empty tail.
 * {@link dev.engine.fingerprint.Fingerprinter#explain} gives, per tail line, the raw line it came
 * from and each token replaced ({@code engine hash --explain}).
 */
package dev.engine.fingerprint;
