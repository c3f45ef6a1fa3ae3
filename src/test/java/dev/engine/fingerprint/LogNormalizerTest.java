package dev.engine.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.engine.fingerprint.LogNormalizer.Change;
import dev.engine.fingerprint.LogNormalizer.Explained;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogNormalizerTest {

    private final LogNormalizer normalizer = new LogNormalizer();

    static Stream<Arguments> rules() {
        return Stream.of(
                // ANSI colours and cursor movement
                Arguments.of("\u001B[31mError:\u001B[0m failed", "Error: failed"),
                Arguments.of("\u001B[2K\u001B[1Gdone", "done"),
                Arguments.of("\u001B]0;title\u0007ok", "ok"),
                // lone CR: the last visible segment wins, like on a terminal
                Arguments.of("pulling 10%\rpulling 55%\rpull complete", "pull complete"),
                Arguments.of("pull complete\r\u001B[K", "pull complete"),
                // timestamps
                Arguments.of("at 2026-11-22T03:49:36Z boom", "at <ts> boom"),
                Arguments.of("at 2026-11-22 03:49:36.123+01:00 boom", "at <ts> boom"),
                Arguments.of("2026-11-22T03:49:36.123456789-05:00 boom", "<ts> boom"),
                Arguments.of("Nov 22 03:49:36 node1 kubelet[1234]: boom", "<ts> node1 kubelet[<pid>]: boom"),
                Arguments.of("Nov  2 03:49:36 node1 boom", "<ts> node1 boom"),
                Arguments.of("Sun Nov 22 03:49:36 UTC 2026", "<ts>"),
                Arguments.of("Date: Sun, 22 Nov 2026 03:49:36 GMT", "Date: <ts>"),
                Arguments.of("2026/11/22 03:49:36 listen failed", "<ts> listen failed"),
                Arguments.of("I1207 12:00:00.123456   12345 file.go:123] msg", "I <ts> file.go:123] msg"),
                Arguments.of("E1122 03:49:36.000001       1 reflector.go:42] failed", "E <ts> reflector.go:42] failed"),
                Arguments.of("2026-11-22T03:49:36.1Z stderr F W1122 03:49:36.123456 1 lease.go:7] slow",
                        "<ts> stderr F W <ts> lease.go:7] slow"),
                Arguments.of("time=\"2026-11-22T03:49:36Z\" level=error msg=x", "time=\"<ts>\" level=error msg=x"),
                Arguments.of("[  123.456789] eth0: link down", "[<ts>] eth0: link down"),
                Arguments.of("[12345.000001] oom-kill", "[<ts>] oom-kill"),
                // engine trailers: exit code and the fact of a timeout stay
                Arguments.of("[engine] finished 2026-11-22T03:49:36Z exit=1 duration=1.234s",
                        "[engine] finished <ts> exit=1 duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-23T13:00:01Z exit=137 duration=2m3.5s",
                        "[engine] finished <ts> exit=137 duration=<dur>"),
                Arguments.of("[engine] timed out after 30m0s; process tree killed",
                        "[engine] timed out after <dur>; process tree killed"),
                // durations
                Arguments.of("took 3.2s", "took <dur>"),
                Arguments.of("took 1m30s", "took <dur>"),
                Arguments.of("took 120ms", "took <dur>"),
                Arguments.of("waited 2h", "waited <dur>"),
                Arguments.of("waited 500\u00B5s", "waited <dur>"),
                Arguments.of("waited 1.5m", "waited <dur>"),
                Arguments.of("after 30001 milliseconds", "after <dur>"),
                Arguments.of("after 3 ms: refused", "after <dur>: refused"),
                // addresses
                Arguments.of("dial tcp 10.0.0.5:6443: connect: connection refused", "dial tcp <ip>:6443: connect: connection refused"),
                Arguments.of("node 192.168.1.20 unreachable.", "node <ip> unreachable."),
                Arguments.of("dial tcp [fd00::1]:50000: i/o timeout", "dial tcp <ip>:50000: i/o timeout"),
                Arguments.of("listen on ::1 failed", "listen on <ip> failed"),
                Arguments.of("peer fd00:10:0:0::5 gone", "peer <ip> gone"),
                Arguments.of("peer 2001:db8:0:0:0:0:0:1 gone", "peer <ip> gone"),
                Arguments.of("GET http://localhost:34567/healthz", "GET http://localhost:<port>/healthz"),
                Arguments.of("registry-1.docker.io:443 refused", "registry-1.docker.io:443 refused"),
                Arguments.of("mac 52:54:00:ab:cd:ef", "mac <mac>"),
                Arguments.of("closed by root 10.0.0.9 port 54321 [preauth]", "closed by root <ip> port <port> [preauth]"),
                // ids
                Arguments.of("vm 3f2504e0-4f89-11d3-9a0c-0305e82c3301 lost", "vm <uuid> lost"),
                Arguments.of("container 9f86d081884c7d65 exited", "container <hex> exited"),
                Arguments.of("image@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        "image@sha256:<hex>"),
                Arguments.of("HEAD is now at 1a2b3c4d5e fix", "HEAD is now at <hex> fix"),
                Arguments.of("panic at 0x7f3a2b1c", "panic at <hex>"),
                // Kubernetes generated names
                Arguments.of("pod/cilium-7d9f8c6b5-x2b4k", "pod/cilium-<pod>"),
                Arguments.of("coredns-5d78c9869d-abcde 0/1 Pending", "coredns-<pod> 0/1 Pending"),
                Arguments.of("cilium-operator-7d9f8c6b5-x2b4k", "cilium-operator-<pod>"),
                Arguments.of("job pod backup-x7k2p failed", "job pod backup-<pod> failed"),
                Arguments.of("kube-proxy-fjdkw", "kube-proxy-<pod>"),
                Arguments.of("postgres-0 not ready", "postgres-0 not ready"),
                // pids
                Arguments.of("killed pid 1234", "killed pid <pid>"),
                Arguments.of("worker pid=98765 exited", "worker pid=<pid> exited"),
                Arguments.of("Killed process 31337 (prometheus)", "Killed process <pid> (prometheus)"),
                Arguments.of("sshd[4321]: Connection closed", "sshd[<pid>]: Connection closed"),
                // retry counters
                Arguments.of("attempt 3/30 failed", "attempt <n>/<n> failed"),
                Arguments.of("retry 2 of 10", "retry <n>/<n>"),
                Arguments.of("waiting for etcd (3/30)", "waiting for etcd (<n>/<n>)"),
                Arguments.of("gave up after 17 attempts", "gave up after <n> attempts"),
                // temp paths
                Arguments.of("open /tmp/tmp.AbCdEf123/kubeconfig: denied", "open <tmp>/kubeconfig: denied"),
                Arguments.of("wrote /tmp/engine-12345/out.log", "wrote <tmp>/out.log"),
                Arguments.of("/var/folders/x1/abc_def123/T/foo", "<tmp>/foo"),
                Arguments.of("in /tmp/junit1234567/repo", "in <tmp>/repo"),
                // issue 14: restart counters, as kubectl prints them
                Arguments.of("app-7d9f8c6b5-x2b4k   0/1   CrashLoopBackOff   3 (12s ago)   2m",
                        "app-<pod> 0/1 CrashLoopBackOff <n> (<dur> ago) <dur>"),
                Arguments.of("app-7d9f8c6b5-x2b4k   0/1   CrashLoopBackOff   7 (2m40s ago)   19m",
                        "app-<pod> 0/1 CrashLoopBackOff <n> (<dur> ago) <dur>"),
                Arguments.of("loki-0   0/1   CrashLoopBackOff   5          10m", "loki-0 0/1 CrashLoopBackOff <n> <dur>"),
                Arguments.of("    Restart Count:  19", "Restart Count: <n>"),
                Arguments.of("Warning BackOff 59s (x75 over 15m) kubelet Back-off restarting failed container",
                        "Warning BackOff <dur> (x<n> over <dur>) kubelet Back-off restarting failed container"),
                // ReplicaSet hashes of every length the pod-template hash has, pods followed by _namespace
                Arguments.of("csi-attacher-c654d94c9-hmj8l", "csi-attacher-<pod>"),
                Arguments.of("hubble-relay-5bc4b984c4-6bpp6", "hubble-relay-<pod>"),
                Arguments.of("web-5bd7f-x2b4k", "web-<pod>"),
                Arguments.of("pod=opa-849dcb7499-9chrt_opa(7f8061d3-3603-49d6-8e03-77cb4b1bbed4)", "pod=opa-<pod>_opa(<uuid>)"),
                Arguments.of("backup-28391520-x7k2p Completed", "backup-<pod> Completed"),
                Arguments.of("challenge test-k3s-example-com-ddrrv-3211194715-670589497 pending", "challenge test-k3s-example-com-<pod> pending"),
                // PIDs in every prefix style
                Arguments.of("Nov 22 03:49:36 node1 python3.11[1234]: boom", "<ts> node1 python3.11[<pid>]: boom"),
                Arguments.of("2018/07/31 01:26:02 socat[28360] E connect(5, AF=2 127.0.0.1:9000, 16): Connection refused",
                        "<ts> socat[<pid>] E connect(5, AF=2 <ip>:9000, 16): Connection refused"),
                Arguments.of("Started task etcd (PID 2791) for container etcd", "Started task etcd (PID <pid>) for container etcd"),
                Arguments.of("{\"pid\":7888,\"pstart\":218771}", "{\"pid\":<pid>,\"pstart\":<pid>}"),
                Arguments.of("nsenter [--mount=/host/proc/19371/ns/mnt]", "nsenter [--mount=/host/proc/<pid>/ns/mnt]"),
                // more timestamp formats
                Arguments.of("Started: Sun, 09 Aug 2020 12:17:29 +0530", "Started: <ts>"),
                Arguments.of("2021-08-17 16:30:33.651446 +0300 EEST deployed", "<ts> deployed"),
                Arguments.of("2025-11-11 12:47:01.529961+00:002025-11-11T12:47:01Z ERR boom", "<ts><ts> ERR boom"),
                Arguments.of("2021-09-01T14:34:09Z ERR error=x", "<ts> ERR error=x"),
                Arguments.of("11:33AM ERR Failed to get node storage", "<ts> ERR Failed to get node storage"),
                Arguments.of("ts=1701890987.123 level=error", "ts=<ts> level=error"),
                Arguments.of("{\"ts\":1701890987123}", "{\"ts\":<ts>}"),
                Arguments.of("[10/Dec/2013:18:11:38] HTTP", "[<ts>] HTTP"),
                // ports: only the ephemeral range is noise, on any kind of host
                Arguments.of("read tcp 10.42.0.15:56574->140.82.114.4:22: read: connection reset by peer",
                        "read tcp <ip>:<port>-><ip>:22: read: connection reset by peer"),
                Arguments.of("Starting metrics server on 127.0.0.1:34395/metrics", "Starting metrics server on <ip>:<port>/metrics"),
                Arguments.of("dial tcp cp1:45678: refused", "dial tcp cp1:<port>: refused"),
                Arguments.of("Forwarding from [::1]:8080 -> 8080", "Forwarding from <ip>:8080 -> 8080"),
                Arguments.of(":local_port => 56782", ":local_port => <port>"),
                Arguments.of("Handling connection for 41555", "Handling connection for <port>"),
                // Talos' generated hostnames, stable and address-based
                Arguments.of("failed to get node \"talos-2gd-76y\"", "failed to get node \"talos-<host>\""),
                Arguments.of("node talos-192-168-1-200 not ready", "node talos-<host> not ready"),
                // spinners, percentages, short SHAs, ids with no letter, sizes in kiB, cloudflared ids
                Arguments.of("\u25F3 waiting for etcd to be healthy: ...", "waiting for etcd to be healthy: ..."),
                Arguments.of("\u280B Installing chart", "Installing chart"),
                Arguments.of("progression: 15.58 % busy: 1", "progression: <pct> busy: 1"),
                Arguments.of("disk usage 87%", "disk usage <pct>"),
                Arguments.of("--version 1.0.0-sha.1dd6919", "--version 1.0.0-sha.<hex>"),
                Arguments.of("UPID:pve:00001ED0:00035693:66343A23:qmshutdown:201:root@pam:",
                        "UPID:pve:<hex>:<hex>:<hex>:qmshutdown:201:root@pam:"),
                Arguments.of("was: 208 kiB, wanted: 2048 kiB", "was: <size>, wanted: <size>"),
                Arguments.of("cfRay=687f37bd84af59ce-IAD connIndex=2 location=SEA", "cfRay=<id> connIndex=<n> location=<colo>"),
                Arguments.of("REVISION: 7", "REVISION: <n>"),
                // sizes (optional rule) and whitespace
                Arguments.of("pulled 12.5 MiB of 45MiB", "pulled <size> of <size>"),
                Arguments.of("  a \t  b  ", "a b"),
                Arguments.of("\u001B[0m   ", ""));
    }

    /** Numbers that tell failures apart must survive normalization untouched. */
    static Stream<String> kept() {
        return Stream.of(
                "exit status 1",
                "exit status 137",
                "command terminated with exit code 137",
                "Error: code 137",
                "curl: (22) The requested URL returned error: 404",
                "HTTP/1.1 500 Internal Server Error",
                "ssh: connect to host talos-cp port 22: Connection refused",
                "error at values.yaml:12:3",
                "panic at main.go:1234",
                "the facade accepted deadbeef and cafebabe",
                "rpc error: code = Unavailable desc = connection error",
                "kube-apiserver-talos-cp-1 is https ready",
                "READY 0/1",
                "etcd-0 3 members",
                // issue 14: well-known ports and exit codes are meaning, whatever the host looks like
                "dial tcp talos-cp-1:6443: connect: connection refused",
                "Get \"https://pve:8006/api2/json/nodes\": EOF",
                "Post \"https://cert-manager-webhook.cert-manager.svc:443/mutate\": x509",
                "Forwarding from localhost:8080 -> 8080",
                "NodePort 30080 on node1:30080",
                "exit status 127",
                "Exit Code: 137",
                "\"exitCode\":137",
                "make: *** [Makefile:12: all] Error 1",
                "curl: (22) The requested URL returned error: 530",
                "failed to get node stable-1 crwth",
                "x509: Ed25519 verification failure",
                "vm-201-disk-0 lock-201.conf",
                "Init:0/1 and 18/18 managed",
                "proxmox_virtual_environment_vm.talos_cp[12]: Creating...",
                "pvc data-mysql-0 on postgresql-0",
                "proxmox_virtual_environment_vm.talos_cp[0]: Creating...",
                "module_vm[1]: Still creating...");
    }

    @ParameterizedTest
    @MethodSource("rules")
    void normalizesRule(String raw, String expected) {
        assertThat(normalizer.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("kept")
    void keepsMeaningfulNumbersAndWords(String line) {
        assertThat(normalizer.normalize(line)).isEqualTo(line);
    }

    /**
     * The engine's own lines (StageRunner.trailer and friends) as the normalizer wrote them before
     * issue 14: errors.json keys fingerprints by them, so they must not move.
     */
    static Stream<Arguments> engineLines() {
        return Stream.of(
                Arguments.of("[engine] finished 2026-11-22T03:49:36.123456789Z exit=1 duration=1.2s",
                        "[engine] finished <ts> exit=1 duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36Z exit=0 check=failed duration=45s",
                        "[engine] finished <ts> exit=0 check=failed duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36.5Z exit=137 duration=1m30s",
                        "[engine] finished <ts> exit=137 duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36.120Z exit=timeout duration=30m",
                        "[engine] finished <ts> exit=timeout duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36Z exit=interrupted duration=2h",
                        "[engine] finished <ts> exit=interrupted duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36Z exit=not-started duration=120ms",
                        "[engine] finished <ts> exit=not-started duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36Z exit=-1 duration=0ms",
                        "[engine] finished <ts> exit=-1 duration=<dur>"),
                Arguments.of("[engine] finished 2026-11-22T03:49:36Z exit=255 duration=1h30m",
                        "[engine] finished <ts> exit=255 duration=<dur>"),
                Arguments.of("[engine] stage command timed out after 30m; process tree killed",
                        "[engine] stage command timed out after <dur>; process tree killed"),
                Arguments.of("[engine] success check 'talosctl --nodes 10.5.0.2 health' timed out after 5m; process tree killed",
                        "[engine] success check 'talosctl --nodes <ip> health' timed out after <dur>; process tree killed"),
                Arguments.of("[engine] stage command timed out after 1h30m; remote command sent SIGTERM, then SIGKILL, and the SSH channel closed",
                        "[engine] stage command timed out after <dur>; remote command sent SIGTERM, then SIGKILL, and the SSH channel closed"),
                Arguments.of("[engine] stage command could not be started: Cannot run program \"bash\"",
                        "[engine] stage command could not be started: Cannot run program \"bash\""),
                Arguments.of("[engine] stage talos started 2026-11-22T03:49:36.123Z: stages/talos.sh",
                        "[engine] stage talos started <ts>: stages/talos.sh"),
                Arguments.of("[engine] success check failed with exit code 1: talosctl --nodes 10.5.0.2 health",
                        "[engine] success check failed with exit code 1: talosctl --nodes <ip> health"),
                Arguments.of("[engine] command exited; stopping the background processes it left running",
                        "[engine] command exited; stopping the background processes it left running"),
                Arguments.of("[engine] ssh: the remote command ended without an exit status (killed by a signal?)",
                        "[engine] ssh: the remote command ended without an exit status (killed by a signal?)"),
                Arguments.of("[engine] (earlier output dropped; the last 64 KiB follow)",
                        "[engine] (earlier output dropped; the last <size> follow)"));
    }

    @ParameterizedTest
    @MethodSource("engineLines")
    void theEnginesOwnLinesNormalizeAsTheyDidBefore(String raw, String expected) {
        assertThat(normalizer.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void onlyTheEphemeralRangeIsNoiseButTalosServicePortsInItAreNot() {
        assertThat(normalizer.normalize("dial tcp 10.0.0.5:32767")).isEqualTo("dial tcp <ip>:32767");
        assertThat(normalizer.normalize("dial tcp 10.0.0.5:32768")).isEqualTo("dial tcp <ip>:<port>");
        assertThat(normalizer.normalize("dial tcp 10.0.0.5:60999")).isEqualTo("dial tcp <ip>:<port>");
        assertThat(normalizer.normalize("dial tcp 10.0.0.5:50000")).isEqualTo("dial tcp <ip>:50000");
        assertThat(normalizer.normalize("dial tcp 10.0.0.5:50001")).isEqualTo("dial tcp <ip>:50001");
        assertThat(normalizer.normalize("dial tcp 10.0.0.5:50000: connect: connection refused"))
                .isNotEqualTo(normalizer.normalize("dial tcp 10.0.0.5:6443: connect: connection refused"));
    }

    @Test
    void explainNamesEachReplacedTokenWithItsClass() {
        Explained e = normalizer.explain("2026-01-01T10:00:00Z read tcp 10.0.0.5:56574->10.0.0.6:6443: pod web-7d9f8c6b5-x2b4k");

        assertThat(e.normalized()).isEqualTo("<ts> read tcp <ip>:<port>-><ip>:6443: pod web-<pod>");
        assertThat(e.changes()).containsExactly(
                new Change("ts", "2026-01-01T10:00:00Z", "<ts>"),
                new Change("ip", "10.0.0.5", "<ip>"),
                new Change("ip", "10.0.0.6", "<ip>"),
                new Change("port", "56574", "<port>"),
                new Change("pod", "web-7d9f8c6b5-x2b4k", "web-<pod>"));
        assertThat(normalizer.explain("exit status 1").changes()).isEmpty();
    }

    /** Hints are only a shortcut: skipping a rule by its hint must give what running it gives. */
    @Test
    void hintsSkipOnlyRulesThatCouldNotMatch() throws IOException {
        Stream<String> corpusLines = RealFailureCorpus.load().stream().flatMap(r -> r.text().lines());
        Stream<String> testLines = Stream.concat(rules().map(a -> (String) a.get()[0]), kept());
        Stream.concat(corpusLines, testLines).forEach(line ->
                assertThat(normalizer.normalize(line)).as(line).isEqualTo(normalizer.normalizeRunningEveryRule(line)));
    }

    /** The explaining path must never drift from the one that computes fingerprints. */
    @Test
    void explainAndNormalizeAgreeOnEveryLineOfTheRealCorpus() throws IOException {
        int lines = 0;
        for (RealFailureCorpus.Run run : RealFailureCorpus.load()) {
            for (String line : run.text().split("\n", -1)) {
                assertThat(normalizer.explain(line).normalized()).as(run.kind() + ": " + line).isEqualTo(normalizer.normalize(line));
                lines++;
            }
        }
        assertThat(lines).isGreaterThan(1000);
    }
}
