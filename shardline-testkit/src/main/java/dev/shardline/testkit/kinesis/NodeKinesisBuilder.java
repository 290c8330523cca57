package dev.shardline.testkit.kinesis;

import dev.shardline.testkit.internal.FreePorts;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import software.amazon.awssdk.regions.Region;

/**
 * The options {@link LocalKinesis.Builder} and {@link LocalKinesalite.Builder} share, and their
 * checks. Not thread-safe.
 *
 * @param <B> the builder itself, so that every option returns it
 */
abstract class NodeKinesisBuilder<B extends NodeKinesisBuilder<B>> {
  private int shardLimit;
  private Duration createStreamDuration = Duration.ofMillis(500);
  private Duration deleteStreamDuration = Duration.ofMillis(500);
  private final Map<String, Integer> initialStreams = new LinkedHashMap<>();
  private Region region = Region.US_EAST_1;
  private Duration startTimeout = Duration.ofSeconds(60);
  private IntSupplier portPicker = FreePorts::pick;
  private int port;

  NodeKinesisBuilder(int defaultShardLimit) {
    this.shardLimit = defaultShardLimit;
  }

  abstract B self();

  /**
   * The most shards all streams together may have; default 50 for {@link LocalKinesis} (per account
   * and region), 10 for {@link LocalKinesalite}.
   */
  public B shardLimit(int shardLimit) {
    if (shardLimit < 1) {
      throw new IllegalArgumentException("shardLimit must be at least 1, but was " + shardLimit);
    }
    this.shardLimit = shardLimit;
    return self();
  }

  /** How long a new stream stays CREATING; default 500 ms. */
  public B createStreamDuration(Duration duration) {
    this.createStreamDuration = nonNegative("createStreamDuration", duration);
    return self();
  }

  /** How long a deleted stream stays DELETING; default 500 ms. */
  public B deleteStreamDuration(Duration duration) {
    this.deleteStreamDuration = nonNegative("deleteStreamDuration", duration);
    return self();
  }

  /**
   * A stream that exists when the server has started: {@link LocalKinesis} has kinesis-local create
   * it at start, {@link LocalKinesalite} creates it through the API right after; {@code start()}
   * returns once it is ACTIVE. Repeat for more streams.
   */
  public B initialStream(String name, int shards) {
    NodeKinesisServer.requireStreamName(name);
    if (shards < 1) {
      throw new IllegalArgumentException(
          "shards of initial stream " + name + " must be at least 1, but was " + shards);
    }
    initialStreams.put(name, shards);
    return self();
  }

  /**
   * The region clients sign for (on {@link LocalKinesis} also the region streams live in); default
   * {@code us-east-1}.
   */
  public B region(Region region) {
    this.region = Objects.requireNonNull(region, "region cannot be null");
    return self();
  }

  /** How long {@code start()} waits for the server to answer; default 60 s. */
  public B startTimeout(Duration startTimeout) {
    Objects.requireNonNull(startTimeout, "startTimeout cannot be null");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, but was " + startTimeout);
    }
    this.startTimeout = startTimeout;
    return self();
  }

  /**
   * The port to listen on (kinesis-local: its plain HTTP/1.1 and h2c port; its TLS port stays a
   * free one); default 0, a free port. For servers people point tools at by hand ({@code shardline
   * dev}); tests keep the default. A taken port is retried as a taken free port is: {@code start()}
   * starts on free ports then, so check the port is free first and compare {@code endpoint()}
   * after.
   */
  public B port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, but was " + port);
    }
    this.port = port;
    return self();
  }

  /** For tests of the port retry: where the ports come from. Default {@link FreePorts#pick}. */
  B portPicker(IntSupplier portPicker) {
    this.portPicker = Objects.requireNonNull(portPicker, "portPicker cannot be null");
    return self();
  }

  static Duration nonNegative(String name, Duration duration) {
    Objects.requireNonNull(duration, name + " cannot be null");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " cannot be negative, but was " + duration);
    }
    return duration;
  }

  int shardLimit() {
    return shardLimit;
  }

  Duration createStreamDuration() {
    return createStreamDuration;
  }

  Duration deleteStreamDuration() {
    return deleteStreamDuration;
  }

  /** A snapshot of the initial streams, in the order they were given. */
  Map<String, Integer> initialStreams() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(initialStreams));
  }

  Region region() {
    return region;
  }

  Duration startTimeout() {
    return startTimeout;
  }

  IntSupplier portPicker() {
    return port == 0 ? portPicker : FreePorts.fixedFirst(port);
  }
}
