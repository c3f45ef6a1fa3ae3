package dev.engine.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
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
                Arguments.of("pulling 10%\rpulling 55%\rpulling 100%", "pulling 100%"),
                Arguments.of("pulling 100%\r\u001B[K", "pulling 100%"),
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
                Arguments.of("dial tcp 10.0.0.5:6443: connect: connection refused", "dial tcp <ip>: connect: connection refused"),
                Arguments.of("node 192.168.1.20 unreachable.", "node <ip> unreachable."),
                Arguments.of("dial tcp [fd00::1]:50000: i/o timeout", "dial tcp <ip>: i/o timeout"),
                Arguments.of("listen on ::1 failed", "listen on <ip> failed"),
                Arguments.of("peer fd00:10:0:0::5 gone", "peer <ip> gone"),
                Arguments.of("peer 2001:db8:0:0:0:0:0:1 gone", "peer <ip> gone"),
                Arguments.of("GET http://localhost:34567/healthz", "GET http://localhost:<port>/healthz"),
                Arguments.of("registry-1.docker.io:443 refused", "registry-1.docker.io:<port> refused"),
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
}
