package dev.engine.stage.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SshTargetTest {
    @Test
    void user_at_host_defaults_to_port_22_and_known_hosts_names_it_bare() {
        SshTarget t = SshTarget.parse("root@pve.lan");

        assertThat(t).isEqualTo(new SshTarget("root", "pve.lan", 22));
        assertThat(t.knownHostsName()).isEqualTo("pve.lan");
        assertThat(t).hasToString("root@pve.lan:22");
    }

    @Test
    void another_port_is_bracketed_in_known_hosts_as_openssh_writes_it() {
        SshTarget t = SshTarget.parse(" admin@10.0.0.5:2222 ");

        assertThat(t).isEqualTo(new SshTarget("admin", "10.0.0.5", 2222));
        assertThat(t.knownHostsName()).isEqualTo("[10.0.0.5]:2222");
    }

    @Test
    void ipv6_addresses_are_written_in_brackets() {
        assertThat(SshTarget.parse("root@[fd00::1]:2200")).isEqualTo(new SshTarget("root", "fd00::1", 2200));
        SshTarget t = SshTarget.parse("root@[fd00::1]");
        assertThat(t.port()).isEqualTo(22);
        assertThat(t.address()).isEqualTo("[fd00::1]:22");
        assertThat(t.knownHostsName()).isEqualTo("fd00::1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pve.lan|has no user",
            "@pve.lan|has no user",
            "root@|has no user",
            "root@pve.lan:ssh|is not a number",
            "root@pve.lan:0|must be 1-65535",
            "root@pve.lan:70000|must be 1-65535",
            "root@fd00::1|write an IPv6 address in brackets",
            "root@[fd00::1|unclosed",
            "root@[fd00::1]x|unexpected",
            "root@pve lan|invalid SSH host",
            "root@pve.lan;reboot|invalid SSH host",
            "root@-oProxyCommand=x|invalid SSH host",
            "ro ot@pve.lan|invalid SSH user",
            "'$(id)@pve.lan'|invalid SSH user",
    })
    void bad_specs_are_refused_saying_what_is_wrong(String spec, String message) {
        assertThatThrownBy(() -> SshTarget.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void an_empty_spec_is_refused(String spec) {
        assertThatThrownBy(() -> SshTarget.parse(spec)).hasMessageContaining("expected user@host[:port]");
    }
}
