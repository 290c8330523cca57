package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackUrisTest {

  @Test
  void loopbackUrisAreAcceptedAndLocalhostIsPinnedToIpv4() {
    assertThat(LoopbackUris.requireLoopback(URI.create("http://127.0.0.1:4567/")))
        .isEqualTo(URI.create("http://127.0.0.1:4567"));
    assertThat(LoopbackUris.requireLoopback(URI.create("http://LOCALHOST:4567")))
        .isEqualTo(URI.create("http://127.0.0.1:4567"));
  }

  @Test
  void everyAddressOfTheLoopbackNetworkIsAcceptedAsTheReadmeSays() {
    assertThat(LoopbackUris.requireLoopback(URI.create("http://127.1.2.3:4567")))
        .isEqualTo(URI.create("http://127.1.2.3:4567"));
    assertThat(LoopbackUris.requireLoopback(URI.create("http://127.255.255.254:80")))
        .isEqualTo(URI.create("http://127.255.255.254:80"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://kinesis.us-east-1.amazonaws.com:443",
        "http://203.0.113.5:4567",
        "http://192.0.2.1:4567",
        "http://[::1]:4567",
        "https://127.0.0.1:4567",
        "http://127.0.0.1",
        "http://127.0.0.1.example.com:4567",
        "http://127.0.0.256:4567",
        "http://127.999.0.1:4567",
      })
  void anythingElseIsRefused(String uri) {
    assertThatThrownBy(() -> LoopbackUris.requireLoopback(URI.create(uri)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be http://127.x.x.x:<port>")
        .hasMessageContaining(uri);
  }
}
