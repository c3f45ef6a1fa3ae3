package dev.engine.executor;

import java.io.IOException;

/** The local tier that may try a small fix while a failure is new (DESIGN.md §1 step 2). */
public interface Executor {
    ExecutorOutcome attempt(ExecutorRequest request) throws IOException;
}
