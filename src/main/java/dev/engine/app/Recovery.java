package dev.engine.app;

import dev.engine.audit.Event;
import dev.engine.git.ScratchClone;
import dev.engine.reconcile.StageLifecycle;
import dev.engine.stage.ProcessTree;
import dev.engine.state.StageInfo;
import dev.engine.state.StageStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A stage still marked {@code running} when a new engine takes the lock was being run by an engine
 * that died (kill -9, power loss). It is marked failed, uncounted, and the fact is audited. What
 * the dead engine left half-made (temp files of atomic writes, executor scratch checkouts) goes.
 */
public final class Recovery {
    private Recovery() {}

    public static void recoverInterrupted(Session s) throws IOException {
        removeTornTempFiles(s);
        List<String> scratch = ScratchClone.removeLeftovers(s.layout().patchesDir());
        if (!scratch.isEmpty()) {
            s.audit().append(null, Event.SCRATCH_REMOVED, Map.of("dirs", scratch,
                    "reason", "left by an engine that stopped while the executor ran"));
        }
        for (Map.Entry<String, StageStatus> e : s.state().statuses().entrySet()) {
            if (e.getValue() == StageStatus.RUNNING) {
                stopOrphans(s, e.getKey());
                String reason = "the engine that was running this stage stopped before the attempt ended";
                new StageLifecycle(s.state(), s.audit()).recovered(e.getKey(), reason);
            }
        }
    }

    /**
     * The dead engine's stage command may still be running; left alone it would run beside the
     * next attempt (two bootstraps of one cluster at once). Its process group is stopped, but only
     * when it is provably the stage's: same boot, and a live member working in the stage's directory.
     */
    private static void stopOrphans(Session s, String stage) throws IOException {
        StageInfo info = s.state().info(stage);
        String boot = ProcessTree.bootId();
        if (info.processGroup() == null || boot == null || !boot.equals(info.bootId())) {
            return;
        }
        List<Long> members = new ArrayList<>(
                ProcessTree.liveMembersIn(info.processGroup(), s.layout().checkoutDir()));
        // Stages of engines before 0.2 ran in the workspace itself.
        members.addAll(ProcessTree.liveMembersIn(info.processGroup(), s.layout().workspace()));
        if (members.isEmpty()) {
            return;
        }
        ProcessTree.stopGroup(info.processGroup(), Duration.ofSeconds(3));
        s.audit().append(stage, Event.ORPHANS_STOPPED, Map.of("process_group", info.processGroup(), "pids", members));
    }

    /** Temp files of atomic writes that a killed engine never renamed; with the lock held nobody is writing them. */
    private static void removeTornTempFiles(Session s) throws IOException {
        Path dir = s.state().dir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("\\..+\\.tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
