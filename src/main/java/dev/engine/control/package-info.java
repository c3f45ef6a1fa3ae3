/**
 * The actions a human takes on a home while an engine may hold its lock (DESIGN.md §9): reset,
 * review approve and review reject, as one {@link dev.engine.control.ActionRequest} type that the
 * CLI, the console and {@code engine watch}'s control channel ({@link dev.engine.control.ControlSocket},
 * a 0600 Unix socket in {@code state/}) all carry. Performing an action is the CLI package's job; this
 * package only carries it.
 */
package dev.engine.control;
