package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Measures redaction of 1 MB of ordinary stage log text and prints the figure (target-redact/
 * surefire-reports/...-output.txt). Nothing is asserted about time: machines are shared and noisy.
 */
class RedactionThroughputTest {

    static String ordinaryLog(int bytes, Random rnd) {
        String[] lines = {
            "2025-11-02T10:%02d:%02d.123Z INFO  [talos] waiting for etcd to become healthy on 10.0.0.%d:2379 (attempt %d)",
            "I1102 10:%02d:%02d.000000    1 reflector.go:351] Caches populated for *v1.Pod from k8s.io/client-go/informers/factory.go:%d (%d items)",
            "{\"level\":\"info\",\"ts\":\"10:%02d:%02d\",\"msg\":\"reconciliation finished\",\"kustomization\":\"flux-system/apps\",\"revision\":\"main@sha1:%d\",\"duration\":\"%dms\"}",
            "NAME            READY   STATUS    RESTARTS   AGE   IP   %02d:%02d  10.244.%d.%d   talos-cp-1",
            "+ kubectl --kubeconfig /home/op/.kube/config get pods -A -o wide --request-timeout=%02ds # %02d %d %d",
            "error: failed to apply machine config: rpc error: code = Unavailable desc = connection error: %02d:%02d dial tcp 10.0.0.%d:50000: i/o timeout (%d)",
            "  image: ghcr.io/siderolabs/installer:v1.7.%d   # pinned %02d:%02d  sha256:%d",
            "ts=10:%02d:%02d caller=main.go:%d level=warn component=helm-controller msg=\"retrying\" release=ingress-nginx attempt=%d",
        };
        StringBuilder sb = new StringBuilder(bytes + 256);
        int i = 0;
        while (sb.length() < bytes) {
            sb.append(String.format(lines[i % lines.length], rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(255), rnd.nextInt(9999)));
            sb.append('\n');
            if (i % 500 == 0) {
                sb.append("token=").append(Secrets.random(32)).append(" password: ").append(Secrets.random(16)).append('\n');
            }
            i++;
        }
        return sb.toString();
    }

    @Test
    void one_megabyte_of_ordinary_log() {
        String log = ordinaryLog(1 << 20, new Random(42));
        Redactor r = Redactor.create(Secrets.KEY, Map.of("OPENAI_API_KEY", "sk-" + Secrets.random(40), "GITHUB_TOKEN", Secrets.random(40)));
        String out = null;
        long best = Long.MAX_VALUE;
        long first = 0;
        for (int i = 0; i < 8; i++) {
            long t0 = System.nanoTime();
            out = r.redact(log);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (i == 0) {
                first = ms;
            }
            best = Math.min(best, ms);
        }
        System.out.printf("redact 1 MiB ordinary log: first (cold JIT) %d ms, best of 8 %d ms%n", first, best);
        assertThat(out).contains("Caches populated for *v1.Pod").contains("token=[REDACTED:secret:");
        assertThat(out).doesNotContain("token=" + log.substring(log.indexOf("token=") + 6, log.indexOf("token=") + 38));
    }
}
