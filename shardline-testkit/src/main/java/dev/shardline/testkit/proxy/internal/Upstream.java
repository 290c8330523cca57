package dev.shardline.testkit.proxy.internal;

import java.util.concurrent.CompletableFuture;

/** Where the proxy sends requests: the Kinesis server behind it. */
public interface Upstream {

  /**
   * Sends {@code request} as it is and completes with the server's answer, whatever its status;
   * completes exceptionally when there is no answer (connection refused or lost, timeout).
   */
  CompletableFuture<ProxyResponse> send(ProxyRequest request);
}
