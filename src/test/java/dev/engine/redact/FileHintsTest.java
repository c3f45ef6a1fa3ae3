package dev.engine.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileHintsTest {

    @ParameterizedTest
    @CsvSource({
        "kubeconfig, true, false",
        "clusters/home/kubeconfig.yaml, true, false",
        "home/.kube/config, true, false",
        "talos/talosconfig, true, false",
        ".talos/config, true, false",
        "talos/controlplane.yaml, true, false",
        "talos/worker.yaml, true, false",
        "talos/secrets.yaml, true, false",
        "clusters/home/flux-system/gotk-sync.yaml, false, false",
        ".env, false, true",
        "apps/.env.production, false, true",
        "stack/prod.env, false, true",
        "README.md, false, false",
    })
    void hints_from_the_path(String path, boolean config, boolean env) {
        assertThat(FileHints.of(path, "a: 1\n")).isEqualTo(new FileHints(config, env));
    }

    @Test
    void a_machine_config_under_any_yaml_name_is_recognised_by_its_top_level_keys() {
        assertThat(FileHints.of("nodes/cp1.yaml", "version: v1alpha1\nmachine:\n  type: controlplane\n").configFile()).isTrue();
        assertThat(FileHints.of("apps/values.yaml", "replicas: 2\nmachine: none\n").configFile()).isFalse();
        assertThat(FileHints.of("x/cfg.yml", "apiVersion: v1\nkind: Config\n").configFile()).isTrue();
    }

    @Test
    void a_bare_key_field_goes_in_a_config_file_but_only_when_random_looking_elsewhere() {
        String text = "contexts:\n  home:\n    key: short-but-secret\n";
        Redactor r = Secrets.redactor();
        assertThat(r.redactFile("talosconfig", text)).doesNotContain("short-but-secret");
        assertThat(r.redactFile("notes.txt", text)).contains("short-but-secret");
    }

    @Test
    void one_redactor_shared_by_threads_gives_the_same_placeholders() throws Exception {
        Redactor r = Redactor.create(Secrets.KEY, Map.of("API_TOKEN", Secrets.random(30)));
        List<String> secrets = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            String s = Secrets.random(20);
            secrets.add(s);
            text.append("password=").append(s).append(" line ").append(i).append('\n');
        }
        String expected = Redactor.create(Secrets.KEY, Map.of()).redact(text.toString());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> outs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                outs.add(pool.submit(() -> r.redact(text.toString())));
            }
            for (Future<String> f : outs) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(r.secretsSeen()).isEqualTo(50);
        assertThat(r.restore(expected)).isEqualTo(text.toString());
    }
}
