package dev.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesHostAndPortIncludingBracketedIpv6() {
        assertThat(ListenAddress.parse("127.0.0.1:8787")).isEqualTo(new ListenAddress("127.0.0.1", 8787));
        assertThat(ListenAddress.parse("[::1]:0")).isEqualTo(new ListenAddress("::1", 0));
        assertThat(ListenAddress.parse("localhost:9000")).isEqualTo(new ListenAddress("localhost", 9000));
        assertThat(ListenAddress.parse("[::1]:0").toString()).isEqualTo("[::1]:0");
    }

    @Test
    void refusesWhatIsNotHostColonPort() {
        for (String bad : new String[] {"8787", ":8787", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "::1:80", "a b:1", ""}) {
            assertThatThrownBy(() -> ListenAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void onlyLoopbackAddressesCountAsLoopback() {
        assertThat(ListenAddress.parse("127.0.0.1:1").loopback()).isTrue();
        assertThat(ListenAddress.parse("127.1.2.3:1").loopback()).isTrue();
        assertThat(ListenAddress.parse("[::1]:1").loopback()).isTrue();
        assertThat(ListenAddress.parse("localhost:1").loopback()).isTrue();
        assertThat(ListenAddress.parse("0.0.0.0:1").loopback()).isFalse();
        assertThat(ListenAddress.parse("[::]:1").loopback()).isFalse();
        assertThat(ListenAddress.parse("192.168.1.10:1").loopback()).isFalse();
    }
}
