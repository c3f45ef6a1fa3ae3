package dev.engine.escalation.casefile;

import dev.engine.config.ContextMap;
import dev.engine.config.ContextMapLoader;
import dev.engine.config.StageSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Test material: a copy of the v2 homelab fixture (context_map.yaml, master_memo.md) in
 * src/test/resources, a generator of stage files of realistic size, and a sample Talos failure.
 */
final class Homelab {
    static final String SECRET = "hunter2-SECRET-7f3a";
    static final String PLACEHOLDER = "[REDACTED:secret]";

    /** Replaces the planted secret; stands in for the real redactor. */
    static final BiFunction<String, String, String> REDACT = (label, text) -> text.replace(SECRET, PLACEHOLDER);

    static final String TALOS_LOG = """
            [2026-11-22 03:41:07] stage talos: attempt 4
            + talosctl gen config prox-n100 https://192.168.10.50:6443 --output-dir cluster/talos --force
            generating PKI and tokens
            Created cluster/talos/controlplane.yaml
            Created cluster/talos/worker.yaml
            Created cluster/talos/talosconfig
            + talosctl apply-config --insecure --nodes 192.168.10.50 --file cluster/talos/controlplane.yaml
            error applying new configuration to node "192.168.10.50": rpc error: code = InvalidArgument desc = configuration validation failed: 1 error occurred:
            \t* specified install disk does not exist: "/dev/sdb"
            + talosctl apply-config --insecure --nodes 192.168.10.51 --file cluster/talos/worker.yaml
            Applied configuration without a reboot
            + talosctl apply-config --insecure --nodes 192.168.10.52 --file cluster/talos/worker.yaml
            Applied configuration without a reboot
            waiting for 192.168.10.50 to report ready (timeout 600s)
            retrying in 10s: rpc error: code = Unavailable desc = connection refused
            retrying in 10s: rpc error: code = Unavailable desc = connection refused
            retrying in 10s: rpc error: code = Unavailable desc = connection refused
            infrastructure/proxmox/cluster_bootstrap.sh: line 212: talos_wait_ready: timed out after 600s
            ERROR: stage talos failed (exit code 1)
            """;

    private Homelab() {}

    static String resource(String name) {
        try (InputStream in = Homelab.class.getResourceAsStream("/casefile/" + name)) {
            if (in == null) throw new IllegalStateException("test resource missing: " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ContextMap contextMap() throws Exception {
        return ContextMapLoader.load(resourcePath("homelab/context_map.yaml"));
    }

    static Path resourcePath(String name) {
        try {
            return Path.of(Homelab.class.getResource("/casefile/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String memo() {
        return resource("homelab/master_memo.md");
    }

    static StageSpec stage(String name, String description, List<String> files, List<String> sections,
                           List<String> criteria, List<String> diagnostics) {
        return new StageSpec(name, description, "stages/" + name + ".sh", Optional.empty(), List.of(), Optional.empty(),
                List.of(), files, sections, criteria, diagnostics, 1);
    }

    static CaseInput input(StageSpec stage, String log, String memo, Map<String, List<String>> keywords, Path root) {
        return new CaseInput(stage, "3f9c2a7e41d0", 4, 0, 3, log, "logs/" + stage.name() + "/" + stage.name()
                + "_20261122-034107_attempt4.log", List.of(), memo, keywords, root, List.of(), List.of(), 1);
    }

    static void write(Path root, String rel, String text) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** The talos stage's files, at sizes like a real Talos + Proxmox repository's. */
    static void writeTalosFiles(Path root) throws IOException {
        write(root, "cluster/talos/controlplane.yaml", machineConfig("controlplane", 620));
        write(root, "cluster/talos/worker.yaml", machineConfig("worker", 480));
        write(root, "cluster/talos/talconfig.yaml", talconfig());
        write(root, "infrastructure/proxmox/cluster_bootstrap.sh", script("cluster_bootstrap", 460));
        write(root, "infrastructure/proxmox/vms.sh", script("vms", 260));
        write(root, "config/clusters/prox-n100.yaml", clusterConfig());
    }

    /** A Talos machine config: the real layout (machine/cluster blocks, comments), padded to {@code lines}. */
    static String machineConfig(String type, int lines) {
        StringBuilder sb = new StringBuilder();
        sb.append("version: v1alpha1 # Indicates the schema used to decode the contents.\n");
        sb.append("debug: false # Enable verbose logging to the console.\n");
        sb.append("persist: true\n");
        sb.append("# Provides machine specific configuration options.\n");
        sb.append("machine:\n");
        sb.append("    type: ").append(type).append(" # Defines the role of the machine within the cluster.\n");
        sb.append("    token: ").append(SECRET).append(" # The `token` is used by a machine to join the PKI of the cluster.\n");
        sb.append("    # The root certificate authority of the PKI.\n");
        sb.append("    ca:\n        crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQekNCOHFBREFnRUNBaEVBdG5WRmFXTjlTbjVq\n");
        sb.append("        key: \"\"\n");
        sb.append("    certSANs: []\n");
        sb.append("    # Used to provide additional options to the kubelet.\n");
        sb.append("    kubelet:\n        image: ghcr.io/siderolabs/kubelet:v1.29.3 # The `image` field is an optional reference to an alternative kubelet image.\n");
        sb.append("        defaultRuntimeSeccompProfileEnabled: true\n        disableManifestsDirectory: true\n");
        sb.append("    # Provides machine specific network configuration options.\n");
        sb.append("    network:\n        hostname: talos-").append(type.equals("worker") ? "w-1" : "cp-1").append("\n");
        sb.append("        interfaces:\n            - interface: eth0\n              dhcp: true\n");
        sb.append("    # Used to provide instructions for installations.\n");
        sb.append("    install:\n        disk: /dev/sdb # The disk used for installations.\n");
        sb.append("        image: ghcr.io/siderolabs/installer:v1.7.4 # Allows for supplying the image used to perform the installation.\n");
        sb.append("        wipe: false # Indicates if the installation disk should be wiped at installation time.\n");
        sb.append("    features:\n        rbac: true\n        stableHostname: true\n        apidCheckExtKeyUsage: true\n");
        sb.append("cluster:\n    id: b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n");
        sb.append("    secret: ").append(SECRET).append("\n");
        sb.append("    controlPlane:\n        endpoint: https://192.168.10.50:6443\n");
        sb.append("    clusterName: prox-n100\n");
        sb.append("    network:\n        dnsDomain: cluster.local\n        podSubnets:\n            - 10.244.0.0/16\n");
        sb.append("        serviceSubnets:\n            - 10.96.0.0/12\n");
        int block = 0;
        while (count(sb) < lines) {
            block++;
            sb.append("    # Example ").append(block).append(": extra manifests and patches, as talosctl gen config writes them commented out.\n");
            sb.append("    # extraManifests:\n    #     - https://www.example.com/manifest").append(block).append(".yaml\n");
            sb.append("    # inlineManifests:\n    #     - name: namespace-ci-").append(block).append("\n");
            sb.append("    #       contents: |-\n    #         apiVersion: v1\n    #         kind: Namespace\n");
            sb.append("    #         metadata:\n    #             name: ci-").append(block).append("\n");
            sb.append("    # adminKubeconfig:\n    #     certLifetime: 1h0m0s\n");
        }
        return sb.toString();
    }

    static String talconfig() {
        StringBuilder sb = new StringBuilder("clusterName: prox-n100\ntalosVersion: v1.7.4\nkubernetesVersion: v1.29.3\n"
                + "endpoint: https://192.168.10.50:6443\nnodes:\n");
        String[][] nodes = {{"talos-cp-1", "192.168.10.50", "true"}, {"talos-w-1", "192.168.10.51", "false"},
                            {"talos-w-2", "192.168.10.52", "false"}};
        for (String[] n : nodes) {
            sb.append("  - hostname: ").append(n[0]).append("\n    ipAddress: ").append(n[1])
                    .append("\n    controlPlane: ").append(n[2]).append("\n    installDisk: /dev/sda\n")
                    .append("    networkInterfaces:\n      - interface: eth0\n        dhcp: true\n")
                    .append("    patches:\n      - |-\n        machine:\n          kubelet:\n            extraArgs:\n")
                    .append("              rotate-server-certificates: \"true\"\n");
        }
        sb.append("controlPlane:\n  patches:\n    - |-\n      cluster:\n        allowSchedulingOnControlPlanes: false\n");
        sb.append("worker:\n  patches:\n    - |-\n      machine:\n        sysctls:\n          vm.max_map_count: \"262144\"\n");
        return sb.toString();
    }

    static String clusterConfig() {
        StringBuilder sb = new StringBuilder("# Cluster prox-n100: 3 Talos VMs on the N100 Proxmox host\n");
        sb.append("cluster:\n  name: prox-n100\n  endpoint: 192.168.10.50\n  gateway: 192.168.10.1\n  bridge: vmbr0\n");
        sb.append("  talos_iso: local:iso/talos-v1.7.4-metal-amd64.iso\n  storage: local-lvm\n");
        sb.append("  api_token: ").append(SECRET).append("\n");
        sb.append("vms:\n");
        String[][] vms = {{"talos-cp-1", "200", "2", "8192", "40"}, {"talos-w-1", "201", "2", "4096", "32"},
                          {"talos-w-2", "202", "2", "4096", "32"}};
        for (String[] v : vms) {
            sb.append("  - name: ").append(v[0]).append("\n    vmid: ").append(v[1]).append("\n    cores: ").append(v[2])
                    .append("\n    memory: ").append(v[3]).append("\n    disk_gb: ").append(v[4])
                    .append("\n    disk_bus: scsi\n    net: virtio,bridge=vmbr0\n    boot: order=scsi0;ide2\n");
        }
        return sb.toString();
    }

    /** A bash stage script of realistic shape: helpers, retries, logging, one function per step. */
    static String script(String name, int lines) {
        StringBuilder sb = new StringBuilder("#!/usr/bin/env bash\n# " + name + ".sh: part of the Proxmox + Talos bootstrap\n"
                + "set -euo pipefail\n\nSCRIPT_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\n"
                + "REPO_ROOT=\"$(cd \"$SCRIPT_DIR/../..\" && pwd)\"\nsource \"$REPO_ROOT/config/env/prox-n100.env\"\n\n"
                + "log() { printf '[%s] %s\\n' \"$(date '+%F %T')\" \"$*\"; }\n"
                + "die() { log \"ERROR: $*\"; exit 1; }\n\n");
        String[] steps = {"talos_gen_config", "talos_apply_config", "talos_bootstrap", "talos_wait_ready", "talos_kubeconfig",
                          "proxmox_create_vm", "proxmox_attach_iso", "proxmox_start_vm", "flux_install", "flux_wait"};
        int i = 0;
        while (count(sb) < lines) {
            String step = steps[i % steps.length] + (i >= steps.length ? "_" + i : "");
            sb.append("# ").append(step.replace('_', ' ')).append(": retried until it succeeds or the timeout passes\n");
            sb.append(step).append("() {\n");
            sb.append("  local node=\"${1:-$CTRL_IP}\" timeout=\"${2:-600}\" waited=0\n");
            sb.append("  log \"").append(step).append(" on $node (timeout ${timeout}s)\"\n");
            sb.append("  until talosctl --nodes \"$node\" version >/dev/null 2>&1; do\n");
            sb.append("    (( waited >= timeout )) && die \"").append(step).append(": timed out after ${timeout}s\"\n");
            sb.append("    log \"retrying in 10s\"; sleep 10; waited=$(( waited + 10 ))\n");
            sb.append("  done\n");
            sb.append("  talosctl --nodes \"$node\" apply-config --file \"$REPO_ROOT/cluster/talos/controlplane.yaml\" || return 1\n");
            sb.append("}\n\n");
            i++;
        }
        sb.append("main() {\n  case \"${1:-}\" in\n    talos) talos_gen_config; talos_apply_config; talos_wait_ready ;;\n")
                .append("    infra) flux_install; flux_wait ;;\n    *) die \"usage: $0 talos|infra|apps\" ;;\n  esac\n}\n\nmain \"$@\"\n");
        return sb.toString();
    }

    static int count(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    /** {@code n} lines of plausible YAML, each unique. */
    static String bigYaml(String name, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append(String.format(Locale.ROOT, "  item_%s_%05d: {replicas: %d, image: \"ghcr.io/homelab/%s:v1.%d.%d\"}\n",
                    name, i, i % 5, name, i % 17, i % 23));
        }
        return sb.toString();
    }

    static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n", -1)));
    }
}
