package dev.engine.control;

/**
 * What performing an action printed and its exit code (DESIGN.md §3), so an action done by another
 * process (watch, for the CLI) reads as if the CLI had done it.
 */
public record ActionResult(int exit, String out, String err) {
    public ActionResult {
        out = out == null ? "" : out;
        err = err == null ? "" : err;
    }

    public boolean ok() {
        return exit == 0;
    }
}
