package dev.shardline.testkit.net;

import dev.shardline.testkit.internal.FreePorts;

/**
 * Ports on 127.0.0.1 that nothing listens on, for tests of a server that is not there (connection
 * refused). A port is free when picked; another process may bind it later, which a test that needs
 * it closed for long should allow for. Stateless.
 *
 * <pre>{@code
 * String bootstrapServers = "127.0.0.1:" + ClosedPorts.pick();
 * }</pre>
 */
public final class ClosedPorts {
  private ClosedPorts() {}

  /** A port nothing listens on now. */
  public static int pick() {
    return FreePorts.pick();
  }
}
