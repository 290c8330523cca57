package dev.shardline.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.kinesis.LocalKinesis;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;

class KinesisQuotaProxyLifecycleIT {

  @Test
  void closeFreesThePortClosesClientsAndStopsAnUpstreamItOwns() throws Exception {
    // Given a proxy that owns its LocalKinesis, and its clients in use
    LocalKinesis kinesis = LocalKinesis.start();
    KinesisQuotaProxy proxy =
        KinesisQuotaProxy.builder().upstream(kinesis).closeUpstream(true).start();
    assertThat(proxy.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(proxy.region()).isEqualTo(kinesis.region());
    proxy.client().listStreams();
    proxy.asyncClient().listStreams().join();
    int port = proxy.endpoint().getPort();

    // When it is closed
    proxy.close();

    // Then nothing answers on its port and the port can be bound again
    assertThat(Loopback.accepts(port, Duration.ofSeconds(1))).isFalse();
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(Loopback.IPV4, port));
    }
    // And its clients and the server are closed
    assertThatThrownBy(proxy::client).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(kinesis::client).isInstanceOf(IllegalStateException.class);
    assertThat(Loopback.accepts(kinesis.endpoint().getPort(), Duration.ofSeconds(1))).isFalse();
    proxy.close(); // idempotent
  }

  @Test
  void anUpstreamTheProxyDoesNotOwnOutlivesItAndHeldRequestsEndWithIt() {
    try (LocalKinesis kinesis = LocalKinesis.start()) {
      // Given a proxy holding a request (a TIMEOUT fault)
      KinesisQuotaProxy proxy = KinesisQuotaProxy.builder().upstream(kinesis).start();
      KinesisAsyncClient client =
          proxy.clients().overrideConfiguration(KinesisQuotaProxyIT.noRetries()).buildAsync();
      proxy.faults().failNext(Operation.LIST_STREAMS, 1, Fault.TIMEOUT);
      CompletableFuture<ListStreamsResponse> held = client.listStreams();
      Await.until(
          "the request to be held",
          Duration.ofSeconds(30),
          Duration.ofMillis(10),
          () -> proxy.counters().injectedFaults(Fault.Kind.TIMEOUT) == 1);

      // When the proxy closes
      proxy.close();

      // Then the held request fails with a connection error, not a timeout (the client's own
      // read timeout is 30 s: waiting less than that still tells the two apart on a busy machine)
      assertThat(held)
          .failsWithin(20, TimeUnit.SECONDS)
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(SdkClientException.class);
      client.close();

      // And the server still serves
      assertThat(kinesis.client().listStreams().streamNames()).isEmpty();
    }
  }
}
