package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Layer 5: random values under uninformative names go; identifiers, digests and public values stay. */
class EntropyRuleTest {

    @Test
    void random_strings_of_token_lengths_are_almost_always_recognised() {
        Random rnd = new Random(1);
        String alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        String lower = "abcdefghijklmnopqrstuvwxyz0123456789";
        int missed = 0;
        int n = 0;
        for (int len : new int[] {20, 24, 32, 40, 44, 64, 100}) {
            for (int i = 0; i < 500; i++) {
                String alphabet = len >= 32 && i % 2 == 0 ? lower : alnum;
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < len; k++) {
                    sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                n++;
                if (!EntropyRule.isRandomSecret("blob", sb.toString())) {
                    missed++;
                }
            }
        }
        System.out.printf("entropy rule: %d of %d random values missed%n", missed, n);
        assertThat((double) missed / n).isLessThan(0.03);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "controller=k8s.NodeApplyController", "reason=HelmReleaseReconciliationFailed", "pod=immich-server-6d9f7c8b5d-x2k4m",
        "uid=4b9a2c1e-8f3d-4e5a-9b7c-1d2e3f4a5b6c", "digest=sha256", "revision=3f17f5316e2bac893f17f5316e2bac893f17f531",
        "ray=aef1e04e97c89367-FRA", "image=ghcr.io/immich-app/immich-server", "node=talos-w-1", "version=v1.120.2-rc.1",
        "class=io.k8s.api.core.v1.PodSpec", "tls.crt=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ",
        "recipient=age1qwwzsz6z2mmu6hpmjt2he7nepmnhutmhehvkva7l5zy5xzf08d5s5n4d6n",
        "pubkey=AAAAC3NzaC1lZDI1NTE5AAAAIHk1vVJ3kq8QGmFvZ2xD0aL7",
        "query=a=b&c=d", "blob=kube-prometheus-stack-operator-7d8f9c6b5",
        // the engine's own audit detail "log tail: <path>" (a timestamped log file under logs/)
        "log tail=logs/talos/talos_20261206-222906_attempt1.log", "out=_out/cp-7f3a9c2e41b8d605/talosconfig.yaml",
        "case file sent=talos_20261206-223440_case_v1.md", "answer=talos_20261206-223440_response_v2.json",
    })
    void public_or_structured_values_stay(String pair) {
        int eq = pair.indexOf('=');
        assertThat(EntropyRule.isRandomSecret(pair.substring(0, eq), pair.substring(eq + 1))).isFalse();
    }

    @Test
    void a_slash_in_a_random_value_does_not_make_it_a_path() {
        assertThat(EntropyRule.isRandomSecret("blob", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).isTrue();
        assertThat(EntropyRule.isRandomSecret("blob", "Zx9/Qm9vR3k1x2ZpL0aT7uW3eR8yN6bV4cX2")).isTrue();
    }

    @Test
    void only_in_assignment_position() {
        assertThat(EntropyRule.isRandomSecret(null, "Qm9vR3k1x2ZpL0aT7uW3eR8yN6bV4cX2")).isFalse();
        assertThat(EntropyRule.isRandomSecret("blob", "Qm9vR3k1x2ZpL0aT7uW3eR8yN6bV4cX2")).isTrue();
    }
}
