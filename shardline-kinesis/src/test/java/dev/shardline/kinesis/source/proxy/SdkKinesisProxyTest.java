package dev.shardline.kinesis.source.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.testkit.net.ClosedPorts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SDK proxy against a port nothing listens on: no server needed. */
@Timeout(60)
class SdkKinesisProxyTest {

  private static Configuration config(int port, String unreachableTimeout) {
    return config(port, unreachableTimeout, Map.of());
  }

  private static Configuration config(
      int port, String unreachableTimeout, Map<String, Object> more) {
    Map<String, Object> map =
        new java.util.HashMap<>(
            Map.of(
                "streams",
                List.of("orders"),
                "awsRegion",
                Map.of(
                    "type",
                    "custom-endpoint",
                    "endpoint",
                    "http://127.0.0.1:" + port,
                    "id",
                    "us-east-1"),
                "awsCredentials",
                Map.of("type", "basic", "accessKeyId", "test", "secretAccessKey", "test"),
                "unreachableTimeout",
                unreachableTimeout));
    map.putAll(more);
    return KinesisSourceOptions.ALL.validate(Configuration.fromMap(map));
  }

  @Test
  void anEndpointThatNeverAnswersFailsAfterUnreachableTimeoutNamingTheEndpointAndTheOption()
      throws Exception {
    int port = ClosedPorts.pick();
    try (SdkKinesisProxy proxy = SdkKinesisProxy.create(config(port, "300ms"))) {
      for (int attempt = 0; attempt < 100; attempt++) {
        try {
          proxy.listShards("orders", null, null).join();
          fail("a call to a closed port succeeded");
        } catch (CompletionException e) {
          assertThat(proxy.inOutage()).isTrue();
          ServerUnreachableException unreachable = ServerUnreachableException.findIn(e);
          if (unreachable != null) {
            assertThat(unreachable)
                .isNotInstanceOf(UnrecoverableException.class)
                .hasMessageContaining("Cannot reach Kinesis at http://127.0.0.1:" + port)
                .hasMessageContaining("last error:")
                .hasMessageContaining("awsRegion.endpoint")
                .hasMessageContaining("option unreachableTimeout");
            assertThat(KinesisErrors.classify(e)).isSameAs(unreachable);
            return;
          }
          assertThat(KinesisErrors.isNoAnswer(e)).isTrue();
          Thread.sleep(50);
        }
      }
      fail("no ServerUnreachableException after 100 calls to a closed port");
    }
  }

  @Test
  void pollingUsesTheSynchronousClientAndFanOutOrHttp2TheAsynchronousOne() {
    int port = ClosedPorts.pick();
    try (SdkKinesisProxy p = SdkKinesisProxy.create(config(port, "30s"));
        SdkKinesisProxy f =
            SdkKinesisProxy.create(
                config(
                    port,
                    "30s",
                    Map.of(
                        KinesisSourceOptions.READER_TYPE.key(),
                        "fan-out",
                        "reader.fanOut.consumerName",
                        "app")));
        SdkKinesisProxy h =
            SdkKinesisProxy.create(
                config(
                    port, "30s", Map.of("clientConfigProperties", Map.of("protocol", "HTTP2"))))) {
      assertThat(p.blocking()).isTrue();
      assertThat(f.blocking()).isFalse();
      assertThat(h.blocking()).isFalse();
    }
  }

  @Test
  void closingEndsTheEventLoopsWithoutNettysTwoSecondQuietPeriod() throws Exception {
    // Given three proxies whose I/O threads run (each made a call)
    int port = ClosedPorts.pick();
    List<SdkKinesisProxy> proxies = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SdkKinesisProxy proxy = SdkKinesisProxy.create(config(port, "30s"));
      proxies.add(proxy);
      proxy.listShards("orders", null, null).handle((r, e) -> null).join();
    }

    // When they are closed one after the other
    long start = System.nanoTime();
    proxies.forEach(SdkKinesisProxy::close);
    long millis = (System.nanoTime() - start) / 1_000_000;

    // Then their threads have ended, in far less than the 2 s each a client's own event loop
    // group waited (a stop of a Kinesis pipeline took 4 s for its two clients)
    assertThat(proxies).allSatisfy(p -> assertThat(p.eventLoopsTerminated()).isTrue());
    assertThat(millis).as("milliseconds to close 3 proxies").isLessThan(3_000);
  }
}
