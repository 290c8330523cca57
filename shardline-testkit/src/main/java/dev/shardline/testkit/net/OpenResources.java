package dev.shardline.testkit.net;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * Samples, at moments a test chooses (each injected failure of a pipeline that restarts), how many
 * connections to a server's port are open over those open before, and how many meters are
 * registered; then checks that neither piled up and that no connection is left once the pipeline
 * stopped. Thread-safe: samples may be taken on a pipeline's worker threads.
 *
 * <pre>{@code
 * OpenResources open = OpenResources.of(kafka.port(), () -> registry.getMeters().size());
 * ... .map(v -> { open.sample(); throw new IllegalStateException("injected"); }) ...
 * open.checkFlat(20, "the broker");
 * open.awaitNoneLeft(Duration.ofSeconds(10));
 * }</pre>
 */
public final class OpenResources {
  // connections one attempt may open beyond the first's (clients connect lazily, one per broker)
  private static final int SLACK = 3;

  private final int port;
  private final IntSupplier meterCount;
  private final int baseline;
  private final List<Integer> connections = new CopyOnWriteArrayList<>();
  private final List<Integer> meters = new CopyOnWriteArrayList<>();

  private OpenResources(int port, IntSupplier meterCount) {
    this.port = port;
    this.meterCount = meterCount;
    this.baseline = TcpConnections.establishedTo(port);
  }

  /** Starts sampling: the connections to {@code port} open now are the baseline. */
  public static OpenResources of(int port, IntSupplier meterCount) {
    return new OpenResources(port, meterCount);
  }

  /** Notes the connections over the baseline and the meters now. */
  public void sample() {
    connections.add(TcpConnections.establishedTo(port) - baseline);
    meters.add(meterCount.getAsInt());
  }

  /**
   * Checks that {@code samples} samples were taken, that none saw more connections than the first
   * (plus a little slack) nor fewer than the baseline, and that all from the second on saw as many
   * meters as the second (the first restart adds the counter of its cause, once).
   *
   * @param server what the port is, for the message, e.g. "the broker"
   * @throws AssertionError naming what grew
   */
  public void checkFlat(int samples, String server) {
    if (connections.size() != samples) {
      throw new AssertionError(samples + " samples expected, " + this);
    }
    int first = connections.get(0);
    for (int c : connections) {
      if (c < 0 || c > first + SLACK) {
        throw new AssertionError("open connections to " + server + " grew: " + this);
      }
    }
    // from the second attempt on: the first failure registers the pipeline's restarts counter
    // for its cause (shardline.pipeline.restarts.by.cause), once; a leak grows at every restart
    for (int m : meters.subList(Math.min(1, meters.size()), meters.size())) {
      if (m != meters.get(Math.min(1, meters.size() - 1))) {
        throw new AssertionError("registered meters changed: " + this);
      }
    }
  }

  /** Waits until no more connections to the port are open than before sampling started. */
  public void awaitNoneLeft(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (TcpConnections.establishedTo(port) > baseline) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            TcpConnections.establishedTo(port)
                + " connections to port "
                + port
                + " left open, "
                + baseline
                + " before the run");
      }
      Thread.sleep(50);
    }
  }

  @Override
  public String toString() {
    return "open connections over "
        + baseline
        + " at each sample "
        + connections
        + ", meters "
        + meters;
  }
}
