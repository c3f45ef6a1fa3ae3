package dev.engine.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engine.redact.Redactor;
import dev.engine.state.Json;
import dev.engine.watch.AuditTail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;

/**
 * What makes the board live: one thread follows the audit trail ({@link AuditTail}, from its end,
 * so only what is appended costs anything) and the state files, and on any change publishes a
 * short note (sequence number, time, stage, event) that each server-sent event stream passes on.
 * Memory is one note, whatever the number of events or listeners.
 */
final class BoardFeed implements AutoCloseable {
    /** Streams served at once; each holds one server thread. */
    static final int MAX_STREAMS = 4;
    private static final ObjectMapper JSON = Json.mapper().disable(SerializationFeature.INDENT_OUTPUT);

    private final AuditTail tail;
    private final List<Path> stateFiles;
    private final Redactor redactor;
    private final Clock clock;
    private final Duration every;
    private final Thread thread;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private List<Object> lastStamps;
    private long seq;
    private String note = "{}";
    private volatile boolean closed;

    BoardFeed(Path auditFile, List<Path> stateFiles, Redactor redactor, Clock clock, Duration every) throws IOException {
        this.tail = new AuditTail(auditFile);
        this.tail.skipToEnd();
        this.stateFiles = List.copyOf(stateFiles);
        this.redactor = redactor;
        this.clock = clock;
        this.every = every;
        this.lastStamps = stamps();
        this.thread = new Thread(this::run, "engine-console-feed");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(every.toMillis());
                pollOnce();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                // an unreadable moment (a file being replaced): the next poll sees it whole
            }
        }
    }

    void pollOnce() throws IOException {
        String[] last = new String[1];
        tail.poll(line -> last[0] = line);
        List<Object> now = stamps();
        boolean stateChanged = !Objects.equals(now, lastStamps);
        lastStamps = now;
        if (last[0] == null && !stateChanged) {
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("time", clock.instant().toString());
        if (last[0] != null) {
            try {
                JsonNode e = JSON.readTree(last[0]);
                n.put("time", redactor.redact(e.path("time").asText("")));
                if (e.hasNonNull("stage")) {
                    n.put("stage", redactor.redact(e.path("stage").asText()));
                }
                n.put("event", redactor.redact(e.path("event").asText("")));
            } catch (IOException badLine) {
                n.put("event", "audit");
            }
        } else {
            n.put("event", "state");
        }
        publish(n);
    }

    private synchronized void publish(ObjectNode n) throws IOException {
        n.put("seq", ++seq);
        note = JSON.writeValueAsString(n);
        notifyAll();
    }

    /** The sequence number of the latest note. */
    synchronized long seq() {
        return seq;
    }

    synchronized String note() {
        return note;
    }

    /** Waits up to {@code millis} for a note newer than {@code seen}; returns the latest sequence number. */
    synchronized long awaitAfter(long seen, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (seq <= seen && !closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return seq;
    }

    boolean openStream() {
        return streams.tryAcquire();
    }

    void closeStream() {
        streams.release();
    }

    boolean closed() {
        return closed;
    }

    private List<Object> stamps() {
        List<Object> out = new ArrayList<>(stateFiles.size() * 2);
        for (Path p : stateFiles) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.add(a.lastModifiedTime());
                out.add(a.size());
            } catch (IOException e) {
                out.add(null);
                out.add(null);
            }
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        synchronized (this) {
            notifyAll();
        }
    }
}
