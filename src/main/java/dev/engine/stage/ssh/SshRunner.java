package dev.engine.stage.ssh;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchAlgoNegoFailException;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchRevokedHostKeyException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.Session;
import dev.engine.config.Durations;
import dev.engine.stage.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Runs one command on a remote host over SSH, the way a stage runs locally: output (stdout and
 * stderr together) into a sink, no stdin (the remote side sees end of file at once), the exit
 * status as the result, a timeout and a stop request honoured.
 *
 * <p>Trust is strict and never widened: the server's host key must already be in the configured
 * known_hosts file (hashed and {@code [host]:port} entries work), nothing is ever added to it,
 * and only public-key authentication is attempted, without an agent or passphrase prompts.
 *
 * <p>The command goes to the remote user's login shell ({@code $SHELL -c}), runs in that user's
 * home directory with that user's environment; the engine's environment is not forwarded.
 */
public final class SshRunner {
    private static final long POLL_MILLIS = 50;
    /** How long the remote command gets to end after SIGTERM, then after SIGKILL. */
    private static final Duration TERM_GRACE = Duration.ofSeconds(3);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final int KILL_CHANNEL_MILLIS = 5_000;
    private static final Duration PID_WAIT = Duration.ofSeconds(10);
    /** JSch closes a lost session's channels before it marks the session down; this bridges the gap. */
    private static final Duration DROP_SETTLE = Duration.ofSeconds(2);
    /** Keepalives find a silently dead peer (pulled cable, rebooted host) after about a minute. */
    private static final int ALIVE_INTERVAL_MILLIS = 15_000;
    private static final int ALIVE_COUNT_MAX = 4;

    private final SshOptions options;
    private final Path userHome;

    public SshRunner(SshOptions options) {
        this(options, Path.of(System.getProperty("user.home")));
    }

    /** @param userHome where the default keys ({@code .ssh/id_ed25519}...) are looked for */
    SshRunner(SshOptions options, Path userHome) {
        this.options = options;
        this.userHome = userHome;
    }

    /**
     * Runs command remotely; streams stdout+stderr into sink; returns the remote exit code;
     * honours timeout and cancellation.
     *
     * @throws SshException (one of its subclasses where the cause is known) when the command could not run to an end
     */
    public SshResult run(SshTarget target, String command, OutputStream sink, Duration timeout, Cancellation cancellation)
            throws SshException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        if (cancellation.isCancelled()) {
            return stopped(false);
        }
        JSch jsch = new JSch();
        Identities ids = Identities.load(jsch, options.identityFile(), userHome);
        if (ids.isEmpty()) {
            throw new SshException.AuthFailed(target + ": " + ids.describe() + ".\n" + authAdvice(target));
        }
        Session session;
        try {
            jsch.setKnownHosts(options.knownHosts().toString());
            session = jsch.getSession(target.user(), target.host(), target.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setServerAliveInterval(ALIVE_INTERVAL_MILLIS);
            session.setServerAliveCountMax(ALIVE_COUNT_MAX);
            session.setDaemonThread(true);
        } catch (JSchException e) {
            throw SshException.other("cannot prepare the SSH session to " + target + " (known_hosts "
                    + options.knownHosts() + "): " + e.getMessage(), e);
        }
        Wakeup wakeup = new Wakeup(session);
        try (AutoCloseable hook = cancellation.onCancel(wakeup::cancel)) {
            return connectAndRun(session, wakeup, target, ids, command, sink, start, deadline, cancellation);
        } catch (SshException e) {
            throw e;
        } catch (InterruptedException e) {
            // the engine's own thread is being stopped: same as a stop request
            Thread.currentThread().interrupt();
            return stopped(false);
        } catch (Exception e) {
            throw SshException.other("unexpected failure running on " + target + ": " + e, e);
        } finally {
            session.disconnect();
        }
    }

    private SshResult connectAndRun(Session session, Wakeup wakeup, SshTarget target, Identities ids, String command,
                                    OutputStream sink, long start, long deadline, Cancellation cancellation)
            throws SshException, InterruptedException {
        int connectMillis = (int) Math.max(1, Math.min(options.connectTimeout().toMillis(), millisUntil(deadline)));
        try {
            session.connect(connectMillis);
        } catch (JSchException | RuntimeException e) {
            if (cancellation.isCancelled()) {
                return stopped(false);
            }
            if (System.nanoTime() - deadline >= 0) {
                return stopped(true);
            }
            throw classify(e, session, target, ids);
        } finally {
            wakeup.connected();
        }
        if (cancellation.isCancelled()) {
            return stopped(false);
        }
        DetachableSink out = new DetachableSink(sink);
        String token = "engine-ssh-pid-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        PidLine err = new PidLine(out, token);
        ChannelExec channel;
        try {
            channel = (ChannelExec) session.openChannel("exec");
            // The pid lets a timeout stop the command's whole process group (sshd makes the
            // command's shell a session leader), which SSH's own signal request cannot do for
            // root logins: OpenSSH refuses it without privilege separation.
            channel.setCommand(PidLine.announce(token) + command);
            channel.setInputStream(InputStream.nullInputStream());
            channel.setOutputStream(out, true);
            channel.setErrStream(err, true);
            channel.connect((int) options.connectTimeout().toMillis());
        } catch (JSchException e) {
            out.detach();
            if (cancellation.isCancelled()) {
                return stopped(false);
            }
            if (!session.isConnected()) {
                throw new SshException.ConnectionDropped(target + " before the command started: " + e.getMessage());
            }
            throw SshException.other(target + " did not run the command (the server refused an exec channel: "
                    + e.getMessage() + ")", e);
        }
        try {
            while (!channel.isClosed()) {
                if (cancellation.isCancelled()) {
                    stopRemote(session, channel, pidOf(err, channel));
                    return stopped(false);
                }
                if (System.nanoTime() - deadline >= 0) {
                    stopRemote(session, channel, pidOf(err, channel));
                    return stopped(true);
                }
                wakeup.await(POLL_MILLIS);
            }
            finish(err);
        } finally {
            out.detach();
        }
        int exit = channel.getExitStatus();
        if (exit == SshResult.NO_EXIT_STATUS && sessionLost(session)) {
            String group = err.pid().isPresent()
                    ? " (process group " + err.pid().getAsLong() + "; see: ps -o pid,args -g " + err.pid().getAsLong() + ")"
                    : "";
            throw new SshException.ConnectionDropped(target + " while the command ran (after "
                    + Durations.format(Duration.ofNanos(System.nanoTime() - start)) + "); its output so far is above."
                    + "\n  The remote command may still be running on " + target.host() + group
                    + ": check there before running the stage again.");
        }
        return new SshResult(exit, false, false);
    }

    /**
     * The remote shell's pid, waiting a moment for its line when a stop comes before it did: on a
     * loaded host the session can take seconds to start, and without the pid only SSH's signal
     * request is left, which OpenSSH refuses for root logins.
     */
    private static long pidOf(PidLine err, ChannelExec channel) throws InterruptedException {
        long until = System.nanoTime() + PID_WAIT.toNanos();
        while (err.pid().isEmpty() && !channel.isClosed() && System.nanoTime() - until < 0) {
            Thread.sleep(POLL_MILLIS);
        }
        return err.pid().orElse(-1);
    }

    private static SshResult stopped(boolean timedOut) {
        return new SshResult(SshResult.NO_EXIT_STATUS, timedOut, !timedOut);
    }

    private static void finish(PidLine err) {
        try {
            err.finish();
        } catch (IOException e) {
            // the log is the caller's; its next write reports the problem
        }
    }

    /**
     * SIGTERM, then SIGKILL, to the command's process group, then closing the channel. The
     * signals go by {@code kill} on a second channel of the same session (this works for root
     * too) and by SSH's signal request (which is all there is if the pid line never came). A
     * child that started its own session ({@code setsid}, daemons) is deliberately left alone.
     */
    private static void stopRemote(Session session, ChannelExec channel, long pid) throws InterruptedException {
        signal(session, channel, "TERM", pid);
        if (!closedWithin(channel, TERM_GRACE)) {
            signal(session, channel, "KILL", pid);
            closedWithin(channel, KILL_GRACE);
        }
        channel.disconnect();
    }

    private static void signal(Session session, ChannelExec channel, String name, long pid) throws InterruptedException {
        try {
            channel.sendSignal(name);
        } catch (Exception e) {
            // refused or unsupported: the kill below, or closing the channel, is the fallback
        }
        if (pid <= 0) {
            return;
        }
        ChannelExec kill = null;
        try {
            kill = (ChannelExec) session.openChannel("exec");
            kill.setCommand("kill -s " + name + " -- -" + pid + " 2>/dev/null || kill -s " + name + " " + pid);
            kill.setInputStream(InputStream.nullInputStream());
            kill.connect(KILL_CHANNEL_MILLIS);
            closedWithin(kill, Duration.ofMillis(KILL_CHANNEL_MILLIS));
        } catch (JSchException e) {
            // the session is going down anyway; closing the channel is the fallback
        } finally {
            if (kill != null) {
                kill.disconnect();
            }
        }
    }

    private static boolean closedWithin(Channel channel, Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        while (!channel.isClosed()) {
            if (System.nanoTime() - until >= 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** A normal end always carries an exit status; a closed channel without one on a dead session is a lost connection. */
    private static boolean sessionLost(Session session) throws InterruptedException {
        long until = System.nanoTime() + DROP_SETTLE.toNanos();
        while (session.isConnected()) {
            if (System.nanoTime() - until >= 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static long millisUntil(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    // ---- turning JSch's exceptions into ones an operator can act on ----

    private SshException classify(Exception e, Session session, SshTarget target, Identities ids) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof JSchUnknownHostKeyException) {
            return unknownHostKey(session, target);
        }
        if (e instanceof JSchChangedHostKeyException) {
            return changedHostKey(session, target);
        }
        if (e instanceof JSchRevokedHostKeyException) {
            return SshException.other(target.knownHostsName() + ": the server's host key is marked @revoked in "
                    + options.knownHosts() + "; refusing to connect", e);
        }
        if (msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")) {
            return new SshException.AuthFailed(target + ": the server accepted none of the keys offered"
                    + " (public-key authentication only); " + ids.describe() + ".\n" + authAdvice(target));
        }
        Throwable cause = rootCause(e);
        String where = target.address();
        if (cause instanceof UnknownHostException) {
            return new SshException.Unreachable(where + ": the host name does not resolve (check DNS or /etc/hosts)", e);
        }
        if (cause instanceof ConnectException) {
            return new SshException.Unreachable(where + ": connection refused (is sshd running and listening on port "
                    + target.port() + "?)", e);
        }
        if (cause instanceof NoRouteToHostException) {
            return new SshException.Unreachable(where + ": no route to host (host down or network unreachable)", e);
        }
        if (cause instanceof SocketTimeoutException || msg.startsWith("timeout: socket is not established")) {
            return new SshException.Unreachable(where + ": no SSH answer within "
                    + Durations.format(options.connectTimeout())
                    + " (host down, a firewall dropping packets, or a wrong port; ssh_connect_timeout sets the limit)", e);
        }
        if (msg.contains("connection is closed by foreign host")) {
            return new SshException.Unreachable(where + ": the server closed the connection before the SSH handshake"
                    + " (not an SSH server, or sshd refusing connections: MaxStartups, tcp wrappers, fail2ban)", e);
        }
        if (cause instanceof SocketException) {
            return new SshException.Unreachable(where + ": " + cause.getMessage(), e);
        }
        if (e instanceof JSchAlgoNegoFailException) {
            return SshException.other(where + ": no algorithm in common with the server: " + msg, e);
        }
        return SshException.other(where + ": " + msg, e);
    }

    private SshException unknownHostKey(Session session, SshTarget target) {
        Offered key = Offered.of(session);
        Path file = options.knownHosts();
        String name = target.knownHostsName();
        String fileState = Files.isRegularFile(file)
                ? (Files.isReadable(file) ? "" : " (the file is not readable by this user)")
                : " (the file does not exist)";
        List<KnownHostsFile.Entry> others = KnownHostsFile.entriesFor(file, name);
        String otherTypes = others.isEmpty() ? "" : "; it lists only "
                + others.stream().map(KnownHostsFile.Entry::keyType).distinct().collect(Collectors.joining(", "))
                + " keys for this host (line " + lines(others) + ")";
        String keyscan = "ssh-keyscan -p " + target.port() + " -t " + KnownHostsFile.keyscanType(key.type()) + " " + target.host();
        return new SshException.UnknownHostKey(name + ": the server offered the " + key.type() + " key "
                + key.fingerprint() + ", which " + file + " does not list" + fileState + otherTypes + ".\n"
                + "  The engine trusts only keys already in that file and never adds one by itself. To trust this host,\n"
                + "  check the fingerprint out of band (on the host's console: ssh-keygen -lf /etc/ssh/ssh_host_"
                + KnownHostsFile.keyscanType(key.type()) + "_key.pub), then add the key:\n"
                + "    " + keyscan + " | ssh-keygen -lf -    # must print " + key.fingerprint() + "\n"
                + "    " + keyscan + " >> " + file, key.fingerprint());
    }

    private SshException changedHostKey(Session session, SshTarget target) {
        Offered key = Offered.of(session);
        Path file = options.knownHosts();
        String name = target.knownHostsName();
        List<KnownHostsFile.Entry> same = KnownHostsFile.entriesFor(file, name).stream()
                .filter(e -> e.keyType().equals(key.type())).toList();
        String where = same.isEmpty() ? "an entry in " + file : file + " line " + lines(same);
        String remove = same.isEmpty() ? "remove the old entry" : "remove line " + lines(same);
        return new SshException.ChangedHostKey(name + ": the server offered the " + key.type() + " key "
                + key.fingerprint() + ", but " + where + " holds a different " + key.type() + " key for this host.\n"
                + "  This may be a man-in-the-middle attack: do not simply replace the key. If the host was really\n"
                + "  reinstalled or re-keyed, verify the new fingerprint out of band (on the host's console:\n"
                + "  ssh-keygen -lf /etc/ssh/ssh_host_" + KnownHostsFile.keyscanType(key.type()) + "_key.pub), then "
                + remove + " (or: ssh-keygen -R '" + name + "' -f " + file + ")\n"
                + "  and add the new key: ssh-keyscan -p " + target.port() + " -t "
                + KnownHostsFile.keyscanType(key.type()) + " " + target.host() + " >> " + file);
    }

    private static String lines(List<KnownHostsFile.Entry> entries) {
        return entries.stream().map(e -> String.valueOf(e.line())).distinct().collect(Collectors.joining(", "));
    }

    private static String authAdvice(SshTarget target) {
        return "  Put the matching public key (the .pub file next to the private key) into ~/.ssh/authorized_keys of "
                + target.user() + " on " + target.host() + ", or point ssh_identity_file (engine: block, or SSH_IDENTITY_FILE)"
                + " at the key that host accepts. Password authentication is never tried.";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The host key the server presented, as far as error messages need it. */
    private record Offered(String type, String fingerprint) {
        static Offered of(Session session) {
            HostKey key = session.getHostKey();
            if (key == null) {
                return new Offered("unknown-type", "(fingerprint unavailable)");
            }
            return new Offered(key.getType(), KnownHostsFile.sha256Fingerprint(Base64.getDecoder().decode(key.getKey())));
        }
    }

    /**
     * Lets a stop request end the wait at once. While the session is still connecting, the
     * request also drops the connection attempt, which may otherwise take the whole connect timeout.
     */
    private static final class Wakeup {
        private final Session session;
        private boolean connecting = true;
        private boolean cancelled;

        Wakeup(Session session) {
            this.session = session;
        }

        void cancel() {
            boolean drop;
            synchronized (this) {
                cancelled = true;
                drop = connecting;
                notifyAll();
            }
            if (drop) {
                session.disconnect();
            }
        }

        synchronized void connected() {
            connecting = false;
        }

        synchronized void await(long millis) throws InterruptedException {
            if (!cancelled) {
                wait(millis);
            }
        }
    }
}
