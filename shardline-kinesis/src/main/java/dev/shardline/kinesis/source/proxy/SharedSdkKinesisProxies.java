package dev.shardline.kinesis.source.proxy;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.Configuration;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link SdkKinesisProxy} per source configuration in a JVM, shared by that source's enumerator
 * and readers there: one SDK client to build at start (building one costs about as much CPU as
 * reading tens of thousands of records in a fresh JVM) and one set of connections and call threads,
 * instead of one per reader. Each user gets its own handle; the client closes when the last handle
 * does, so a stop or a restart that closes them all leaves nothing open, and the next start builds
 * a new one. On Flink the enumerator (JobManager) and the readers (TaskManagers) share only within
 * a JVM. Thread-safe.
 */
final class SharedSdkKinesisProxies {
  // guarded by itself
  private static final Map<Configuration, Shared> BY_CONFIG = new HashMap<>();

  private SharedSdkKinesisProxies() {}

  /** A handle on the shared proxy for {@code config}, made when none is open; close it once. */
  static KinesisProxy acquire(Configuration config) {
    checkNotNull(config, "config");
    synchronized (BY_CONFIG) {
      Shared shared = BY_CONFIG.get(config);
      if (shared == null) {
        shared = new Shared(config, SdkKinesisProxy.create(config));
        BY_CONFIG.put(config, shared);
      }
      shared.users++;
      return new Handle(shared);
    }
  }

  /** How many shared proxies are open. For tests. */
  static int open() {
    synchronized (BY_CONFIG) {
      return BY_CONFIG.size();
    }
  }

  private static void release(Shared shared) {
    synchronized (BY_CONFIG) {
      if (--shared.users > 0) {
        return;
      }
      BY_CONFIG.remove(shared.config);
    }
    shared.proxy.close();
  }

  private static final class Shared {
    final Configuration config;
    final SdkKinesisProxy proxy;
    int users;

    Shared(Configuration config, SdkKinesisProxy proxy) {
      this.config = config;
      this.proxy = proxy;
    }
  }

  /** One user's view of a shared proxy: every call forwarded, and its own close. */
  private static final class Handle extends ForwardingKinesisProxy {
    private final Shared shared;
    private boolean closed;

    Handle(Shared shared) {
      super(shared.proxy);
      this.shared = shared;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        release(shared);
      }
    }
  }
}
