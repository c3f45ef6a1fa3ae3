package dev.engine.app;

import dev.engine.config.ConfigException;
import dev.engine.escalation.Escalator;
import dev.engine.reconcile.ConvergenceLoop;
import dev.engine.reconcile.Policy;
import dev.engine.state.EngineLock;
import dev.engine.state.LockHeldException;
import java.io.IOException;

/**
 * A home opened to converge: the engine lock taken, what a dead engine left behind recovered,
 * the AI branch brought up to main, and the loop's parts wired. `run`, `watch` and `demo` are thin
 * adapters around one of these; they never assemble the engine themselves.
 */
public final class Engine implements AutoCloseable {
    private final Session session;
    private final EngineLock lock;
    private final Wiring wiring;
    private final Escalator escalator;
    private final ConvergenceLoop loop;
    private final Policy policy;

    private Engine(Session session, EngineLock lock, Wiring wiring) throws ConfigException, IOException {
        this.session = session;
        this.lock = lock;
        this.wiring = wiring;
        this.escalator = wiring.escalator();
        this.loop = new ConvergenceLoop(wiring.parts(escalator, wiring.executor()));
        this.policy = Wiring.policy(session, escalator);
    }

    /**
     * @param holder what the lock file says holds it, e.g. "engine run talos"
     * @throws LockHeldException another engine converges this home (exit 3)
     */
    public static Engine open(Session session, Io io, String holder) throws ConfigException, IOException, LockHeldException {
        EngineLock lock = EngineLock.acquire(session.layout().stateDir(), holder);
        try {
            Recovery.recoverInterrupted(session);
            AiBranchSyncStep.run(session);
            return new Engine(session, lock, new Wiring(session, io));
        } catch (IOException | ConfigException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    public Session session() {
        return session;
    }

    public EngineLock lock() {
        return lock;
    }

    public Wiring wiring() {
        return wiring;
    }

    /** Converges one stage at a time, as `run` and watch's cycles do. */
    public ConvergenceLoop loop() {
        return loop;
    }

    public Policy policy() {
        return policy;
    }

    @Override
    public void close() throws IOException {
        try {
            wiring.close();
        } finally {
            lock.close();
        }
    }
}
