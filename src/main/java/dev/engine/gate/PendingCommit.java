package dev.engine.gate;

import java.util.List;

/**
 * An AI branch commit not yet in main, oldest first in the lists the gate is given.
 *
 * @param stage the stage it was made for (from its Engine-Stage trailer), or "-" when unknown
 */
public record PendingCommit(String id, String stage, List<FileChange> changes) {
    public PendingCommit {
        changes = List.copyOf(changes);
    }
}
