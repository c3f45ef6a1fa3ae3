package dev.engine.escalation.diagnostics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resource types {@code talosctl get} may read, and the secret ones it may not, each with every
 * name talosctl resolves to it (issue 12: {@code talosctl get krs -o yaml} printed the Kubernetes
 * CA key although "secret" words were denied, because {@code krs} is an alias).
 *
 * <p>Resolution copies talosctl's. {@code Client.ResolveResourceKind} (siderolabs/talos
 * pkg/machinery/client/resources.go) matches the argument case-insensitively against a
 * definition's ID (its Type in lower case) and its {@code AllAliases}, which COSI fills in
 * {@code ResourceDefinitionSpec.Fill()} (cosi-project/runtime pkg/resource/meta/spec/resource_definition.go):
 * the explicit {@code Aliases}; the singular of the type name in lower case; the upper-case
 * initials of the type name in lower case when there are at least two, plus that with an "s"
 * unless it already ends in S; the plural name in lower case; and the plural name followed by
 * each leading part of the suffix ({@code members.cluster}, {@code members.cluster.talos}).
 *
 * <p>Types and their sensitivity, from the {@code ResourceDefinition()} methods in siderolabs/talos:
 * <pre>
 * allowed (no Sensitivity, or meta.NonSensitive):
 *   pkg/machinery/resources/cluster/member.go            Members.cluster.talos.dev
 *   pkg/machinery/resources/runtime/machine_status.go    MachineStatuses.runtime.talos.dev
 *   pkg/machinery/resources/k8s/nodename.go              Nodenames.kubernetes.talos.dev
 *   pkg/machinery/resources/v1alpha1/service.go          Services.v1alpha1.talos.dev           aliases: svc
 *   pkg/machinery/resources/k8s/static_pod.go            StaticPods.kubernetes.talos.dev
 *   pkg/machinery/resources/k8s/static_pod_status.go     StaticPodStatuses.kubernetes.talos.dev aliases: podstatus
 *   pkg/machinery/resources/k8s/kubelet_status.go        KubeletStatuses.kubernetes.talos.dev
 *   pkg/machinery/resources/network/link_status.go       LinkStatuses.net.talos.dev            aliases: link, links
 *   pkg/machinery/resources/network/address_status.go    AddressStatuses.net.talos.dev         aliases: address, addresses
 *   pkg/machinery/resources/network/route_status.go      RouteStatuses.net.talos.dev           aliases: route, routes
 *   pkg/machinery/resources/network/hostname_status.go   HostnameStatuses.net.talos.dev        aliases: hostname
 *   pkg/machinery/resources/network/resolver_status.go   ResolverStatuses.net.talos.dev        aliases: resolvers
 *   pkg/machinery/resources/network/timeserver_status.go TimeServerStatuses.net.talos.dev      aliases: timeserver, timeservers
 *   pkg/machinery/resources/network/node_address.go      NodeAddresses.net.talos.dev
 *   pkg/machinery/resources/network/status.go            NetworkStatuses.net.talos.dev         aliases: netstatus, netstatuses
 *   pkg/machinery/resources/etcd/member.go               EtcdMembers.etcd.talos.dev
 *   pkg/machinery/resources/runtime/mount_status.go      MountStatuses.runtime.talos.dev       aliases: mounts
 *   pkg/machinery/resources/runtime/extension_status.go  ExtensionStatuses.runtime.talos.dev   aliases: extensions
 *   pkg/machinery/resources/runtime/diagnostic.go        Diagnostics.runtime.talos.dev
 *   pkg/machinery/resources/block/disk.go                Disks.block.talos.dev
 *   pkg/machinery/resources/block/volume_status.go       VolumeStatuses.block.talos.dev
 *   cosi-project/runtime pkg/resource/meta/resource_definition.go  ResourceDefinitions.meta.cosi.dev  aliases: api-resources
 * refused (Sensitivity: meta.Sensitive):
 *   pkg/machinery/resources/config/machine_config.go     MachineConfigs.config.talos.dev            (mc)
 *   pkg/machinery/resources/secrets/kubernetes_root.go   KubernetesRootSecrets.secrets.talos.dev    (krs)
 *   pkg/machinery/resources/secrets/etcd_root.go         EtcdRootSecrets.secrets.talos.dev          (ers)
 *   pkg/machinery/resources/secrets/os_root.go           OSRootSecrets.secrets.talos.dev            (osrs)
 *   pkg/machinery/resources/secrets/kubelet.go           KubeletSecrets.secrets.talos.dev           (ks)
 *   pkg/machinery/resources/secrets/kubernetes.go        KubernetesSecrets.secrets.talos.dev        (ks)
 *   pkg/machinery/resources/secrets/kubernetes_certs.go  KubernetesDynamicCerts.secrets.talos.dev   (kdc, kdcs)
 *   pkg/machinery/resources/secrets/etcd.go              EtcdSecrets.secrets.talos.dev              (es)
 *   pkg/machinery/resources/secrets/trustd.go            TrustdCertificates.secrets.talos.dev       (tc, tcs)
 *   pkg/machinery/resources/secrets/api.go               ApiCertificates.secrets.talos.dev          (ac, acs)
 *   pkg/machinery/resources/kubespan/identity.go         KubeSpanIdentities.kubespan.talos.dev      (ksi, ksis)
 * </pre>
 * Any other type is refused: the list is positive. Two further decisions:
 * <ul>
 *   <li>Initials-only aliases ({@code ms}, {@code as}, {@code rs}) are refused even for allowed
 *       types. COSI derives them mechanically, so the same initials name different types on
 *       different Talos versions ({@code es} is ExtensionStatuses and EtcdSecrets, {@code ks}
 *       KubeletStatuses, KubeletSecrets and KubernetesSecrets); on a node without the allowed
 *       type, the initials would resolve to the secret one alone.</li>
 *   <li>A name that resolves to a refused type is refused even when it also resolves to an
 *       allowed one.</li>
 * </ul>
 */
final class TalosResources {
    /** One resource definition as its source declares it. */
    record Definition(String type, String singular, List<String> aliases, boolean allowed, String source) {
        String plural() {
            return type.substring(0, type.indexOf('.'));
        }

        /** What talosctl matches (lower case), except the initials, which {@link #initials()} gives. */
        Set<String> names() {
            Set<String> n = new LinkedHashSet<>();
            n.add(type.toLowerCase(Locale.ROOT));
            String plural = plural().toLowerCase(Locale.ROOT);
            n.add(plural);
            String[] suffix = type.substring(type.indexOf('.') + 1).split("\\.");
            StringBuilder acc = new StringBuilder(plural);
            for (int i = 0; i < suffix.length - 1; i++) {
                acc.append('.').append(suffix[i]);
                n.add(acc.toString());
            }
            n.add(singular.toLowerCase(Locale.ROOT));
            aliases.forEach(a -> n.add(a.toLowerCase(Locale.ROOT)));
            return n;
        }

        Set<String> initials() {
            StringBuilder upper = new StringBuilder();
            plural().chars().filter(Character::isUpperCase).forEach(c -> upper.append((char) c));
            Set<String> n = new LinkedHashSet<>();
            if (upper.length() > 1) {
                n.add(upper.toString().toLowerCase(Locale.ROOT));
                if (upper.charAt(upper.length() - 1) != 'S') {
                    n.add((upper + "s").toLowerCase(Locale.ROOT));
                }
            }
            return n;
        }
    }

    private static final String M = "siderolabs/talos pkg/machinery/resources/";

    static final List<Definition> DEFINITIONS = List.of(
            ok("Members.cluster.talos.dev", "Member", List.of(), "cluster/member.go"),
            ok("MachineStatuses.runtime.talos.dev", "MachineStatus", List.of(), "runtime/machine_status.go"),
            ok("Nodenames.kubernetes.talos.dev", "Nodename", List.of(), "k8s/nodename.go"),
            ok("Services.v1alpha1.talos.dev", "Service", List.of("svc"), "v1alpha1/service.go"),
            ok("StaticPods.kubernetes.talos.dev", "StaticPod", List.of(), "k8s/static_pod.go"),
            ok("StaticPodStatuses.kubernetes.talos.dev", "StaticPodStatus", List.of("podstatus"), "k8s/static_pod_status.go"),
            ok("KubeletStatuses.kubernetes.talos.dev", "KubeletStatus", List.of(), "k8s/kubelet_status.go"),
            ok("LinkStatuses.net.talos.dev", "LinkStatus", List.of("link", "links"), "network/link_status.go"),
            ok("AddressStatuses.net.talos.dev", "AddressStatus", List.of("address", "addresses"), "network/address_status.go"),
            ok("RouteStatuses.net.talos.dev", "RouteStatus", List.of("route", "routes"), "network/route_status.go"),
            ok("HostnameStatuses.net.talos.dev", "HostnameStatus", List.of("hostname"), "network/hostname_status.go"),
            ok("ResolverStatuses.net.talos.dev", "ResolverStatus", List.of("resolvers"), "network/resolver_status.go"),
            ok("TimeServerStatuses.net.talos.dev", "TimeServerStatus", List.of("timeserver", "timeservers"), "network/timeserver_status.go"),
            ok("NodeAddresses.net.talos.dev", "NodeAddress", List.of(), "network/node_address.go"),
            ok("NetworkStatuses.net.talos.dev", "NetworkStatus", List.of("netstatus", "netstatuses"), "network/status.go"),
            ok("EtcdMembers.etcd.talos.dev", "EtcdMember", List.of(), "etcd/member.go"),
            ok("MountStatuses.runtime.talos.dev", "MountStatus", List.of("mounts"), "runtime/mount_status.go"),
            ok("ExtensionStatuses.runtime.talos.dev", "ExtensionStatus", List.of("extensions"), "runtime/extension_status.go"),
            ok("Diagnostics.runtime.talos.dev", "Diagnostic", List.of(), "runtime/diagnostic.go"),
            ok("Disks.block.talos.dev", "Disk", List.of(), "block/disk.go"),
            ok("VolumeStatuses.block.talos.dev", "VolumeStatus", List.of(), "block/volume_status.go"),
            new Definition("ResourceDefinitions.meta.cosi.dev", "ResourceDefinition", List.of("api-resources"), true,
                    "cosi-project/runtime pkg/resource/meta/resource_definition.go"),
            secret("MachineConfigs.config.talos.dev", "MachineConfig", "config/machine_config.go"),
            secret("KubernetesRootSecrets.secrets.talos.dev", "KubernetesRootSecret", "secrets/kubernetes_root.go"),
            secret("EtcdRootSecrets.secrets.talos.dev", "EtcdRootSecret", "secrets/etcd_root.go"),
            secret("OSRootSecrets.secrets.talos.dev", "OSRootSecret", "secrets/os_root.go"),
            secret("KubeletSecrets.secrets.talos.dev", "KubeletSecret", "secrets/kubelet.go"),
            secret("KubernetesSecrets.secrets.talos.dev", "KubernetesSecret", "secrets/kubernetes.go"),
            secret("KubernetesDynamicCerts.secrets.talos.dev", "KubernetesDynamicCert", "secrets/kubernetes_certs.go"),
            secret("EtcdSecrets.secrets.talos.dev", "EtcdSecret", "secrets/etcd.go"),
            secret("TrustdCertificates.secrets.talos.dev", "TrustdCertificate", "secrets/trustd.go"),
            secret("ApiCertificates.secrets.talos.dev", "ApiCertificate", "secrets/api.go"),
            secret("KubeSpanIdentities.kubespan.talos.dev", "KubeSpanIdentity", "kubespan/identity.go"));

    /**
     * Words in a type name that mark it as secret-bearing. Only consulted for a human-configured
     * entry naming a type this table does not know (for instance the v2 homelab's
     * {@code talosctl get machines}); a model's request for an unknown type is refused outright.
     */
    private static final List<String> SECRET_WORDS = List.of("secret", "cert", "identit", "key", "token", "manifest", "config");

    /** What a name given to {@code talosctl get} resolves to. */
    record Resolution(String asked, List<Definition> matches, boolean initialsOnly) {
        boolean refusedType() {
            return matches.stream().anyMatch(d -> !d.allowed());
        }
    }

    private static final Map<String, List<Definition>> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, List<Definition>> BY_INITIALS = new LinkedHashMap<>();

    static {
        for (Definition d : DEFINITIONS) {
            d.names().forEach(n -> BY_NAME.computeIfAbsent(n, k -> new ArrayList<>()).add(d));
            d.initials().forEach(n -> BY_INITIALS.computeIfAbsent(n, k -> new ArrayList<>()).add(d));
        }
    }

    private TalosResources() {}

    private static Definition ok(String type, String singular, List<String> aliases, String file) {
        return new Definition(type, singular, aliases, true, M + file);
    }

    private static Definition secret(String type, String singular, String file) {
        return new Definition(type, singular, List.of(), false, M + file);
    }

    static Resolution resolve(String asked) {
        String n = asked.toLowerCase(Locale.ROOT);
        Set<Definition> matches = new LinkedHashSet<>(BY_NAME.getOrDefault(n, List.of()));
        List<Definition> byInitials = BY_INITIALS.getOrDefault(n, List.of());
        boolean initialsOnly = matches.isEmpty() && !byInitials.isEmpty();
        matches.addAll(byInitials);
        return new Resolution(asked, List.copyOf(matches), initialsOnly);
    }

    /**
     * Throws unless {@code talosctl get <asked>} may run.
     *
     * @param configured a human wrote it in the context map: a type this table does not know passes
     *                   unless its name carries a secret word
     */
    static void check(String asked, boolean configured) {
        Resolution r = resolve(asked);
        if (r.refusedType()) {
            throw new RuleViolation(Rule.TALOSCTL_RESOURCE, "'talosctl get " + asked + "' may print secrets: it resolves to "
                    + types(r.matches()) + ", which holds keys, tokens or the machine config");
        }
        if (r.initialsOnly()) {
            Definition d = r.matches().get(0);
            throw new RuleViolation(Rule.TALOSCTL_RESOURCE, "'talosctl get " + asked + "' uses initials that talosctl derives"
                    + " for " + types(r.matches()) + "; derived initials can name other types, secret ones included, on other"
                    + " Talos versions, so ask for '" + d.singular().toLowerCase(Locale.ROOT) + "' instead");
        }
        if (!r.matches().isEmpty()) {
            return;
        }
        String lower = asked.toLowerCase(Locale.ROOT);
        if (configured) {
            for (String word : SECRET_WORDS) {
                if (lower.contains(word)) {
                    throw new RuleViolation(Rule.TALOSCTL_RESOURCE, "'talosctl get " + asked + "' names a type with '" + word
                            + "' in it, which may hold secrets");
                }
            }
            return;
        }
        throw new RuleViolation(Rule.TALOSCTL_RESOURCE, "'talosctl get " + asked + "' is not a resource type a diagnostic may read"
                + " (allowed: " + allowedNames() + ")");
    }

    /** The names to offer in a refusal: the singular of every allowed type. */
    static String allowedNames() {
        Set<String> names = new TreeSet<>();
        DEFINITIONS.stream().filter(Definition::allowed).forEach(d -> names.add(d.singular().toLowerCase(Locale.ROOT)));
        return String.join(", ", names);
    }

    private static String types(List<Definition> defs) {
        return String.join(" and ", defs.stream().map(Definition::type).toList());
    }

    static Optional<Definition> byType(String type) {
        return DEFINITIONS.stream().filter(d -> d.type().equalsIgnoreCase(type)).findFirst();
    }
}
