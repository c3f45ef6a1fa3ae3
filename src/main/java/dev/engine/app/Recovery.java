package dev.engine.app;

import dev.engine.audit.Event;

import dev.engine.state.StageStatus;
import java.io.IOException;
import java.util.Map;

/**
 * A stage still marked {@code running} when a new engine takes the lock was being run by an engine
 * that died (kill -9, power loss). It is marked failed, uncounted, and the fact is audited. What
 * the dead engine left half-made (temp files of atomic writes, executor scratch checkouts) goes.
 */
public final class Recovery {
    private Recovery() {}

    public static void recoverInterrupted(Session s) throws IOException {
        removeTornTempFiles(s);
        java.util.List<String> scratch = dev.engine.git.ScratchClone.removeLeftovers(s.layout().patchesDir());
        if (!scratch.isEmpty()) {
            s.audit().append(null, Event.SCRATCH_REMOVED, Map.of("dirs", scratch,
                    "reason", "left by an engine that stopped while the executor ran"));
        }
        for (Map.Entry<String, StageStatus> e : s.state().statuses().entrySet()) {
            if (e.getValue() == StageStatus.RUNNING) {
                stopOrphans(s, e.getKey());
                String reason = "the engine that was running this stage stopped before the attempt ended";
                new dev.engine.reconcile.StageLifecycle(s.state(), s.audit()).recovered(e.getKey(), reason);
            }
        }
    }

    /**
     * The dead engine's stage command may still be running; left alone it would run beside the
     * next attempt (two bootstraps of one cluster at once). Its process group is stopped, but only
     * when it is provably the stage's: same boot, and a live member working in the stage's directory.
     */
    private static void stopOrphans(Session s, String stage) throws IOException {
        dev.engine.state.StageInfo info = s.state().info(stage);
        String boot = dev.engine.stage.ProcessTree.bootId();
        if (info.processGroup() == null || boot == null || !boot.equals(info.bootId())) {
            return;
        }
        java.util.List<Long> members = new java.util.ArrayList<>(
                dev.engine.stage.ProcessTree.liveMembersIn(info.processGroup(), s.layout().checkoutDir()));
        // Stages of engines before 0.2 ran in the workspace itself.
        members.addAll(dev.engine.stage.ProcessTree.liveMembersIn(info.processGroup(), s.layout().workspace()));
        if (members.isEmpty()) {
            return;
        }
        dev.engine.stage.ProcessTree.stopGroup(info.processGroup(), java.time.Duration.ofSeconds(3));
        s.audit().append(stage, Event.ORPHANS_STOPPED, Map.of("process_group", info.processGroup(), "pids", members));
    }

    /** Temp files of atomic writes that a killed engine never renamed; with the lock held nobody is writing them. */
    private static void removeTornTempFiles(Session s) throws IOException {
        java.nio.file.Path dir = s.state().dir();
        if (!java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path p : files.filter(f -> f.getFileName().toString().matches("\\..+\\.tmp")).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }
}
