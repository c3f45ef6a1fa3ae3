/**
 * {@code engine watch} (DESIGN.md §3): a long-running loop that converges the stages, re-runs the
 * success checks of green ones every interval to catch drift, backs off failing ones, notifies a
 * webhook, and serves {@code /healthz}, {@code /readyz}, {@code /api/status} and {@code /metrics}.
 *
 * <p>The command itself ({@code dev.engine.cli.WatchCommand}) only wires these parts to a session;
 * nothing here knows how a stage is converged beyond {@link dev.engine.watch.WatchLoop.Converger}.
 */
package dev.engine.watch;
