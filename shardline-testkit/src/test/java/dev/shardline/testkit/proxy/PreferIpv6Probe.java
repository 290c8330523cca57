package dev.shardline.testkit.proxy;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Run in a JVM started with {@code -Djava.net.preferIPv6Addresses=true}: starts a proxy, connects
 * to the endpoint it advertises, and exits 0 if something answers there, 1 if not.
 */
public final class PreferIpv6Probe {
  private PreferIpv6Probe() {}

  public static void main(String[] args) {
    try (KinesisQuotaProxy proxy =
            KinesisQuotaProxy.builder().upstream(URI.create("http://127.0.0.1:9")).start();
        Socket socket = new Socket()) {
      URI endpoint = proxy.endpoint();
      socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 2_000);
      System.out.println("connected to " + endpoint);
    } catch (Exception e) {
      System.out.println("cannot connect: " + e);
      System.exit(1);
    }
    System.exit(0);
  }
}
