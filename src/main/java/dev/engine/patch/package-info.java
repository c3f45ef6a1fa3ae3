/**
 * Safe application of AI-proposed unified diffs. Model output is hostile input, so the rule is:
 * refuse rather than guess, and never produce a result other than the one the diff describes.
 *
 * <p>Flow: {@link dev.engine.patch.PatchSet#checkAndApply} parses with
 * {@link dev.engine.patch.UnifiedDiffParser} (lenient about the shape models write, strict about
 * meaning), checks every {@link dev.engine.patch.PatchPolicy} rule with
 * {@link dev.engine.patch.PatchChecker} (all violations, not just the first), then applies each
 * file in memory with {@link dev.engine.patch.PatchApplier}. Nothing is written; the caller commits
 * the returned contents.
 *
 * <p>Placement: a hunk's context and removed lines must match the file in exactly one place,
 * compared exactly (ignoring only CR at line end) or, failing that, ignoring amounts of whitespace.
 * The header line numbers are not used to choose between several matches: a match at the hinted
 * line does not make an identical block elsewhere less plausible, so two matches is a refusal.
 * Context lines keep the file's own text; added lines take the file's line-ending style.
 */
package dev.engine.patch;
