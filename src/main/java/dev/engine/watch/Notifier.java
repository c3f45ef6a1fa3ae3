package dev.engine.watch;

/** Sends notifications without ever blocking or failing the caller (the watch loop). */
public interface Notifier extends AutoCloseable {
    /** Hands {@code n} over for delivery and returns at once. */
    void send(Notification n);

    /** Counters for /api/status. */
    Stats stats();

    /** Gives queued notifications a short grace to go out, then stops. */
    @Override
    void close();

    /**
     * @param target where notifications go (scheme and host only: webhook paths often hold a secret); null when none
     */
    record Stats(String target, long sent, long failed, long dropped) {}

    /** No webhook configured. */
    Notifier NONE = new Notifier() {
        @Override
        public void send(Notification n) {
        }

        @Override
        public Stats stats() {
            return new Stats(null, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    };
}
