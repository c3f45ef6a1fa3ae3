/**
 * The review gate (DESIGN.md §8): which AI commits a stage may run before a human approves them.
 * A commit that changes anything a stage executes waits for {@code engine review approve}; data
 * files re-run at once. Everything here is a pure function of the pending commits, what the
 * stages execute and the settings; {@code git.RunTarget} reads those from the repository.
 */
package dev.engine.gate;
