package dev.engine.escalation.casefile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogCluesTest {
    private static LogClues clues(String log) {
        return new LogClues(new Lines(log));
    }

    @Test
    void namesByPathOrStandaloneFileName() {
        LogClues c = clues("running /srv/repo/infrastructure/proxmox/vms.sh\nread talconfig.yaml.\n");
        assertThat(c.names("infrastructure/proxmox/vms.sh")).isTrue();
        assertThat(c.names("cluster/talos/talconfig.yaml")).isTrue();
        assertThat(clues("running myvms.sh and vms.sh.bak\n").names("infrastructure/proxmox/vms.sh")).isFalse();
        assertThat(clues("worker.yamlx\n").names("cluster/talos/worker.yaml")).isFalse();
    }

    @Test
    void lineNumbersInTheUsualForms() {
        LogClues c = clues("""
                error: cluster/talos/controlplane.yaml:42:7: mapping values are not allowed
                File "render.py", line 9, in <module>
                loading worker.yaml
                yaml: line 17: did not find expected key
                unrelated
                more
                still unrelated
                yaml: line 99: too far from the file name
                vms.sh: line 212: talos_wait_ready: timed out
                """);
        assertThat(c.lineRefs("cluster/talos/controlplane.yaml")).containsExactly(42);
        assertThat(c.lineRefs("scripts/render.py")).containsExactly(9);
        assertThat(c.lineRefs("cluster/talos/worker.yaml")).containsExactly(17);
        assertThat(c.lineRefs("infrastructure/proxmox/vms.sh")).containsExactly(212);
    }

    @Test
    void errorLinesIncludeTheirIndentedDetails() {
        LogClues c = clues("""
                applying config
                configuration validation failed: 1 error occurred:
                \t* specified install disk does not exist: "/dev/sdb"

                Applied configuration without a reboot
                """);
        assertThat(c.errorLines()).containsExactly(1, 2);
        // quoted first, then structured names, then plain words; generic words are left out
        assertThat(c.identifiers()).startsWith("/dev/sdb").contains("install", "disk")
                .doesNotContain("error", "failed", "configuration", "validation", "Applied");
    }

    @Test
    void structuredNamesAreRecognised() {
        assertThat(LogClues.isStructured("machine.install.disk")).isTrue();
        assertThat(LogClues.isStructured("talos_wait_ready")).isTrue();
        assertThat(LogClues.isStructured("podSubnets")).isTrue();
        assertThat(LogClues.isStructured("ingress-nginx")).isTrue();
        assertThat(LogClues.isStructured("talos")).isFalse();
    }
}
