package dev.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaults_are_the_users_keys_and_known_hosts_and_15_seconds() {
        Settings s = Settings.defaults();
        Path home = Path.of(System.getProperty("user.home"));

        assertThat(s.sshIdentityFile()).isEmpty();
        assertThat(s.sshKnownHosts()).isEqualTo(home.resolve(".ssh/known_hosts"));
        assertThat(s.sshConnectTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void engine_block_environment_and_flags_set_them_with_tilde_expansion() throws Exception {
        ContextMap map = Yamls.load(dir, """
                stages:
                  a: {command: x}
                engine:
                  ssh_identity_file: ~/.ssh/engine_ed25519
                  ssh_known_hosts: /etc/engine/known_hosts
                """);
        Settings s = Settings.resolve(Map.of("ssh_connect_timeout", "5s"), Map.of("SSH_KNOWN_HOSTS", "/srv/kh"), map);

        assertThat(s.sshIdentityFile()).contains(Path.of(System.getProperty("user.home"), ".ssh/engine_ed25519"));
        assertThat(s.sshKnownHosts()).as("environment beats engine block").isEqualTo(Path.of("/srv/kh"));
        assertThat(s.sshConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void relative_paths_and_zero_timeouts_are_refused_naming_the_setting() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Settings.resolve(
                Map.of("ssh_identity_file", "keys/id", "ssh_connect_timeout", "0s"), Map.of(), null));

        assertThat(e.getMessage()).contains("--ssh-identity-file", "absolute path", "--ssh-connect-timeout");
    }

    @Test
    void a_blank_identity_file_means_the_default_keys() throws Exception {
        assertThat(Settings.resolve(Map.of("ssh_identity_file", " "), Map.of(), null).sshIdentityFile()).isEqualTo(Optional.empty());
    }
}
