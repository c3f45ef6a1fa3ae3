package dev.engine.fingerprint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failure templates for the generated half of the corpus. Several differ only in one
 * meaningful detail (exit 1 vs 137 vs a timeout, HTTP 404 vs 500) because those are exactly
 * the failures a too-eager normalizer would merge.
 */
final class GeneratedFailures {

    private GeneratedFailures() {
    }

    private static final String APPLY_BODY = """
            $ kubectl apply --server-side -k {tmp}/clusters/home
            {progress}building kustomization
            namespace/monitoring serverside-applied
            deployment.apps/grafana serverside-applied
            Error from server (Invalid): error when applying patch: Deployment.apps "grafana" is invalid: spec.template.spec.containers[0].image: Required value
            """;

    static Map<String, NoisyTemplate> all() {
        Map<String, NoisyTemplate> t = new LinkedHashMap<>();
        t.put("gen-kubectl-api-io-timeout", new NoisyTemplate("""
                $ kubectl get nodes -o wide
                {repeat}E{klog} memcache.go:265] couldn't get current server API group list: Get "https://{ip}:6443/api?timeout=32s": dial tcp {ip}:6443: i/o timeout
                Unable to connect to the server: dial tcp {ip}:6443: i/o timeout
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-kubectl-api-refused", new NoisyTemplate("""
                $ kubectl get nodes -o wide
                {repeat}E{klog} memcache.go:265] couldn't get current server API group list: Get "https://{ip}:6443/api?timeout=32s": dial tcp {ip}:6443: connect: connection refused
                The connection to the server {ip}:6443 was refused - did you specify the right host or port?
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-talos-etcd-not-ready", new NoisyTemplate("""
                $ talosctl --talosconfig {tmp}/talosconfig health --nodes {ip} --wait-timeout 10m
                discovered nodes: ["{ip}" "{ip}" "{ip}"]
                waiting for etcd to be healthy: ...
                {repeat}waiting for etcd to be healthy: 1 error occurred: * {ip}: service "etcd" not in expected state "Running": current state [Preparing] Running pre state (attempt {k}/60)
                healthcheck error: rpc error: code = DeadlineExceeded desc = context deadline exceeded
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-talos-x509-expired", new NoisyTemplate("""
                $ talosctl --nodes {ip} version
                {repeat}{ts} retrying: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time {ts} is after {ts}" (retry {k} of 10)
                error getting version: 1 error occurred: * {ip}: rpc error: code = Unavailable desc = connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate has expired or is not yet valid"
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-image-pull-backoff", new NoisyTemplate("""
                $ kubectl -n monitoring rollout status deploy/grafana --timeout=5m
                {repeat}Waiting for deployment "grafana" rollout to finish: 0 of 1 updated replicas are available...
                error: deployment "grafana" exceeded its progress deadline
                $ kubectl -n monitoring get pods
                NAME                       READY   STATUS             RESTARTS   AGE
                grafana-{rs}   0/1     ImagePullBackOff   0          {dur}
                $ kubectl -n monitoring describe pod grafana-{rs} | tail -3
                  Warning  Failed   {dur} (x4 over {dur})  kubelet  Failed to pull image "grafana/grafana:11.9.9": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/grafana/grafana:11.9.9": failed to resolve reference "docker.io/grafana/grafana:11.9.9": docker.io/grafana/grafana:11.9.9: not found
                  Normal   BackOff  {dur} (x6 over {dur})  kubelet  Back-off pulling image "grafana/grafana:11.9.9"
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-crashloop-oomkilled", new NoisyTemplate("""
                $ kubectl -n monitoring get pods
                NAME                       READY   STATUS             RESTARTS   AGE
                loki-0   0/1     CrashLoopBackOff   5          {dur}
                $ kubectl -n monitoring get pod loki-0 -o jsonpath={.status.containerStatuses[0].lastState}
                {"terminated":{"containerID":"containerd://{hex}","exitCode":137,"reason":"OOMKilled","startedAt":"{ts}","finishedAt":"{ts}"}}
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-apply-exit-1", new NoisyTemplate(APPLY_BODY + "[engine] finished {ts} exit=1 duration={dur}\n"));
        t.put("gen-apply-exit-137", new NoisyTemplate(APPLY_BODY + "[engine] finished {ts} exit=137 duration={dur}\n"));
        t.put("gen-apply-timed-out", new NoisyTemplate(APPLY_BODY
                + "[engine] timed out after {dur}; process tree killed\n[engine] finished {ts} exit=137 duration={dur}\n"));
        t.put("gen-terraform-proxmox-500", new NoisyTemplate("""
                $ terraform -chdir=infra/proxmox apply -auto-approve
                proxmox_virtual_environment_vm.talos_cp[0]: Creating...
                {repeat}proxmox_virtual_environment_vm.talos_cp[0]: Still creating... [{dur} elapsed]
                Error: error creating VM: received an HTTP 500 response - Reason: unable to create VM 201 - lvcreate 'pve/vm-201-disk-0' error: Volume group "pve" has insufficient free space
                  with proxmox_virtual_environment_vm.talos_cp[0],
                  on main.tf line 12, in resource "proxmox_virtual_environment_vm" "talos_cp":
                [engine] finished {ts} exit=1 duration={dur}
                """));
        t.put("gen-curl-refused", new NoisyTemplate("""
                $ curl -fsS http://{ip}:8080/healthz
                curl: (7) Failed to connect to {ip} port 8080 after {dur}: Connection refused
                [engine] finished {ts} exit=7 duration={dur}
                """));
        t.put("gen-curl-timeout", new NoisyTemplate("""
                $ curl -fsS --max-time 30 http://{ip}:8080/healthz
                curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received
                [engine] finished {ts} exit=28 duration={dur}
                """));
        t.put("gen-curl-404", new NoisyTemplate("""
                $ curl -fsS https://grafana.home.arpa/api/health
                curl: (22) The requested URL returned error: 404
                [engine] finished {ts} exit=22 duration={dur}
                """));
        t.put("gen-curl-500", new NoisyTemplate("""
                $ curl -fsS https://grafana.home.arpa/api/health
                curl: (22) The requested URL returned error: 500
                [engine] finished {ts} exit=22 duration={dur}
                """));
        t.put("gen-ssh-publickey-denied", new NoisyTemplate("""
                $ ssh -o BatchMode=yes root@{ip} qm list
                {syslog} pve1 sshd[{pid}]: Connection closed by authenticating user root {ip} port {port} [preauth]
                root@{ip}: Permission denied (publickey,password).
                [engine] finished {ts} exit=255 duration={dur}
                """));
        t.put("gen-flux-helmrelease-not-ready", new NoisyTemplate("""
                $ flux get helmreleases -A --status-selector ready=false
                NAMESPACE    NAME      REVISION  SUSPENDED  READY  MESSAGE
                kube-system  cilium    1.16.3    False      False  Helm upgrade failed for release kube-system/cilium with chart cilium@1.16.3: context deadline exceeded
                {repeat}{ts} helm-controller reconcile failed, retrying in {dur} (job cilium-hook-{job}, uid {uuid})
                [engine] finished {ts} exit=1 duration={dur}
                """));
        String lease = "{repeat}%s{klog} controller.go:145] \"Failed to ensure lease exists, will retry\" err=\"Get "
                + "\\\"https://{ip}:6443/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/talos-w-1?timeout=10s\\\": "
                + "context deadline exceeded\" interval=\"{dur}\"\n[engine] finished {ts} exit=1 duration={dur}\n";
        // Same message, only the klog level differs: the level must keep them apart.
        t.put("gen-kubelet-lease-warning", new NoisyTemplate("$ talosctl logs kubelet --tail 20\n" + lease.formatted("W")));
        t.put("gen-kubelet-lease-error", new NoisyTemplate("$ talosctl logs kubelet --tail 20\n" + lease.formatted("E")));
        t.put("gen-dmesg-oom-kill", new NoisyTemplate("""
                $ talosctl dmesg --nodes {ip} | tail -3
                {ip}: kern: warning: [{ts}]: [{uptime}] Memory cgroup out of memory: Killed process {pid} (prometheus) total-vm:{size}, anon-rss:{size}
                {ip}: kern:    info: [{ts}]: [{uptime}] oom_reaper: reaped process {pid} (prometheus), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
                [engine] finished {ts} exit=1 duration={dur}
                """));
        return t;
    }
}
