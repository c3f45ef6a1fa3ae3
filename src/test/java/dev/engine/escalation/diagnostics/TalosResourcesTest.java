package dev.engine.escalation.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** talosctl resource names resolved the way talosctl and COSI resolve them. */
class TalosResourcesTest {

    @Test
    void namesAreDerivedAsCosiFillsAllAliases() {
        TalosResources.Definition krs = TalosResources.byType("KubernetesRootSecrets.secrets.talos.dev").orElseThrow();
        assertThat(krs.names()).containsExactlyInAnyOrder("kubernetesrootsecrets.secrets.talos.dev", "kubernetesrootsecrets",
                "kubernetesrootsecrets.secrets", "kubernetesrootsecrets.secrets.talos", "kubernetesrootsecret");
        assertThat(krs.initials()).containsExactly("krs"); // ends in S: no extra "s"
        assertThat(TalosResources.byType("KubernetesDynamicCerts.secrets.talos.dev").orElseThrow().initials())
                .containsExactly("kdc", "kdcs");
        assertThat(TalosResources.byType("OSRootSecrets.secrets.talos.dev").orElseThrow().initials()).containsExactly("osrs");
        assertThat(TalosResources.byType("Members.cluster.talos.dev").orElseThrow().initials()).as("one capital: none").isEmpty();
        assertThat(TalosResources.byType("Services.v1alpha1.talos.dev").orElseThrow().names()).contains("svc", "service");
    }

    @Test
    void everyShortAliasOfTheIssueResolvesToASecretTypeAndIsRefused() {
        for (String alias : List.of("mc", "krs", "ers", "osrs", "ksi", "kdc", "es", "ks", "tc")) {
            TalosResources.Resolution r = TalosResources.resolve(alias);
            assertThat(r.refusedType()).as(alias).isTrue();
            assertThatThrownBy(() -> TalosResources.check(alias, false)).as(alias)
                    .isInstanceOfSatisfying(RuleViolation.class, v -> assertThat(v.rule()).isEqualTo(Rule.TALOSCTL_RESOURCE))
                    .hasMessageContaining("may print secrets");
            // A human cannot configure them either.
            assertThatThrownBy(() -> TalosResources.check(alias, true)).as(alias).isInstanceOf(RuleViolation.class);
        }
        // "ks" is KubeletSecrets and KubernetesSecrets at once (and KubeletStatuses' initials):
        assertThat(TalosResources.resolve("ks").matches()).extracting(TalosResources.Definition::type).contains(
                "KubeletSecrets.secrets.talos.dev", "KubernetesSecrets.secrets.talos.dev", "KubeletStatuses.kubernetes.talos.dev");
        // "es" is EtcdSecrets and ExtensionStatuses: the secret one wins.
        assertThat(TalosResources.resolve("es").refusedType()).isTrue();
    }

    @Test
    void everyNameOfAnAllowedTypeIsAcceptedInAnyCase() {
        for (TalosResources.Definition d : TalosResources.DEFINITIONS) {
            if (!d.allowed()) {
                continue;
            }
            for (String name : d.names()) {
                assertThatCode(() -> TalosResources.check(name, false)).as(name).doesNotThrowAnyException();
                assertThatCode(() -> TalosResources.check(name.toUpperCase(), false)).as(name).doesNotThrowAnyException();
            }
        }
    }

    @Test
    void noNameOfAnAllowedTypeIsAlsoANameOfARefusedType() {
        Set<String> refused = new HashSet<>();
        TalosResources.DEFINITIONS.stream().filter(d -> !d.allowed()).forEach(d -> {
            refused.addAll(d.names());
            refused.addAll(d.initials());
        });
        for (TalosResources.Definition d : TalosResources.DEFINITIONS) {
            if (d.allowed()) {
                assertThat(d.names()).as(d.type()).doesNotContainAnyElementsOf(refused);
            }
        }
    }

    @Test
    void initialsAreRefusedEvenForAllowedTypesWithTheFullNameOffered() {
        assertThatThrownBy(() -> TalosResources.check("ms", false)).hasMessageContaining("ask for 'machinestatus'");
        assertThatThrownBy(() -> TalosResources.check("ms", true)).isInstanceOf(RuleViolation.class);
        assertThatCode(() -> TalosResources.check("machinestatus", false)).doesNotThrowAnyException();
    }

    @Test
    void anUnlistedTypeIsRefusedForARequestAndJudgedByItsNameForAConfiguredEntry() {
        assertThatThrownBy(() -> TalosResources.check("machines", false)).hasMessageContaining("is not a resource type a diagnostic may read")
                .hasMessageContaining("member, ");
        assertThatCode(() -> TalosResources.check("machines", true)).as("the v2 homelab's entry").doesNotThrowAnyException();
        assertThatThrownBy(() -> TalosResources.check("encryptionkeys", true)).hasMessageContaining("'key'");
        assertThatThrownBy(() -> TalosResources.check("members,machineconfig", false)).isInstanceOf(RuleViolation.class);
    }
}
