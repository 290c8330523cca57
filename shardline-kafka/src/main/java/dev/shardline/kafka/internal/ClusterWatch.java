package dev.shardline.kafka.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.retry.ServerReachability;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether the Kafka cluster answers one client (a producer, a consumer), which Kafka's
 * clients do not tell: they reconnect on their own, log it at WARN in their {@code NetworkClient},
 * and meanwhile block in {@code send}, {@code flush} or {@code initTransactions} for up to {@code
 * max.block.ms} (60 s) or keep records until {@code delivery.timeout.ms} (2 min); a consumer's
 * {@code poll} just returns nothing.
 *
 * <p>The client says what waits for the cluster ({@link #requested()}/{@link #completed}: sends in
 * flight; {@link #call}: a blocking call; {@link #check(boolean)}: a consumer polling its
 * partitions) and when it answered ({@link #answered()}). Once something has waited {@link
 * #PROBE_AFTER} (2 s) without an answer, the watch probes the bootstrap servers ({@link
 * ClusterProbe}) to tell a cluster that cannot be reached from a slow one, and again every {@link
 * #PROBE_INTERVAL} while that lasts. An unreachable cluster goes to a {@link ServerReachability}: a
 * WARN at once ({@code Cannot reach Kafka at 127.0.0.1:9092: connection refused; retrying for up to
 * 30s (option unreachableTimeout)}), an INFO when the cluster answers again, and once it has not
 * answered for the limit, a {@link ServerUnreachableException} naming the bootstrap servers and the
 * options to check. That failure is final for this watch: {@link #throwIfFailed()} and {@link
 * #call} throw it, and a call blocked at that moment is interrupted so that it ends at once.
 *
 * <p>A client with a thread that comes by often (a consumer's fetch thread) calls {@link
 * #check(boolean)} itself; for the others (a producer's writer, which may block in a call for a
 * minute) {@link #ownThread} checks on a daemon thread of its own, started at the first request and
 * ended by {@link #close()}. Thread-safe.
 */
public final class ClusterWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);

  /** How long something waits for the cluster without an answer before the watch probes it. */
  public static final Duration PROBE_AFTER = Duration.ofSeconds(2);

  /** How often the watch probes while the cluster does not answer. */
  public static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

  private static final Duration TICK = Duration.ofMillis(250);
  private static final long NEVER = Long.MIN_VALUE;

  private final String bootstrapServers;
  private final ServerReachability reachability;
  private final ClusterProbe probe;
  private final Time time;
  private final String threadName;
  private final AtomicInteger waiting = new AtomicInteger();
  private final Object lock = new Object();
  private volatile long lastAnswerNanos;
  private volatile ServerUnreachableException failure;
  private volatile boolean closed;

  // guarded by lock
  private Thread blocked;
  private volatile ScheduledExecutorService ticker;
  // whether fail() interrupted the blocked call (an interrupt of anyone else is left alone)
  private boolean interruptedByWatch;
  private long lastProbeNanos = NEVER;

  /**
   * @param bootstrapServers the cluster, as messages name it
   * @param limit how long the cluster may not answer before the client fails
   * @param limitOption the option that sets {@code limit}, named in messages
   * @param threadName the name of a thread of its own that checks, or null for none (the client
   *     calls {@link #check(boolean)})
   */
  public ClusterWatch(
      String bootstrapServers,
      Duration limit,
      String limitOption,
      ClusterProbe probe,
      Time time,
      String threadName) {
    this.bootstrapServers = checkNotNull(bootstrapServers, "bootstrapServers");
    this.probe = checkNotNull(probe, "probe");
    this.time = checkNotNull(time, "time");
    this.threadName = threadName;
    this.reachability =
        new ServerReachability(
            server(bootstrapServers),
            limit,
            "that the brokers are up and reachable from here and that bootstrapServers is right",
            "option " + checkNotNull(limitOption, "limitOption"),
            time);
    this.lastAnswerNanos = time.nanoseconds();
  }

  /** A watch for a client with a thread that calls {@link #check(boolean)} (a consumer). */
  public static ClusterWatch checkedByCaller(
      String bootstrapServers, Duration limit, String limitOption) {
    return new ClusterWatch(
        bootstrapServers,
        limit,
        limitOption,
        ClusterProbe.tcp(bootstrapServers),
        Time.SYSTEM,
        null);
  }

  /** A watch that checks on a thread of its own named {@code threadName} (a producer's). */
  public static ClusterWatch ownThread(
      String bootstrapServers, Duration limit, String limitOption, String threadName) {
    return new ClusterWatch(
        bootstrapServers,
        limit,
        limitOption,
        ClusterProbe.tcp(bootstrapServers),
        Time.SYSTEM,
        checkNotNull(threadName, "threadName"));
  }

  /** The cluster as messages name it: {@code Kafka at host:port,...}. */
  public static String server(String bootstrapServers) {
    return "Kafka at " + bootstrapServers;
  }

  /** A request went out (a record sent): its answer is waited for until {@link #completed}. */
  public void requested() {
    if (waiting.getAndIncrement() == 0) {
      lastAnswerNanos = time.nanoseconds(); // nothing waited: the clock starts now
    }
    startTicking();
  }

  /**
   * A request of {@link #requested()} ended.
   *
   * @param answered whether the cluster answered it (as opposed to a client-side timeout)
   */
  public void completed(boolean answered) {
    waiting.decrementAndGet();
    if (answered) {
      answered();
    }
  }

  /** The cluster answered: the wait starts anew and an outage, if any, is over (an INFO). */
  public void answered() {
    lastAnswerNanos = time.nanoseconds();
    reachability.answered();
  }

  /**
   * Runs {@code call}, a call of a Kafka client that may block waiting for the cluster. If the
   * cluster turns out unreachable for longer than the limit meanwhile, the calling thread is
   * interrupted (Kafka's clients then end the call) and the watch's failure is thrown instead of
   * what the call threw. A normal return is not taken as an answer: call {@link #answered()} when
   * it is one.
   *
   * @throws ServerUnreachableException when the watch failed, before or during the call
   */
  public <T> T call(Supplier<T> call) {
    throwIfFailed();
    requested();
    synchronized (lock) {
      blocked = Thread.currentThread();
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      ServerUnreachableException f = failure;
      throw f != null ? f : e;
    } finally {
      synchronized (lock) {
        blocked = null;
        if (interruptedByWatch) {
          // the interrupt meant for the call must not hit what the thread does next
          interruptedByWatch = false;
          Thread.interrupted();
        }
      }
      completed(false);
    }
  }

  /** {@link #call} for calls without a result. */
  public void run(Runnable call) {
    call(
        () -> {
          call.run();
          return null;
        });
  }

  /** Throws the failure, once the cluster did not answer for longer than the limit. */
  public void throwIfFailed() {
    ServerUnreachableException f = failure;
    if (f != null) {
      throw f;
    }
  }

  /** Whether the cluster did not answer for longer than the limit. */
  public boolean failed() {
    return failure != null;
  }

  /** Whether an outage is going on: a probe found the cluster unreachable, and no answer since. */
  public boolean inOutage() {
    return reachability.inOutage();
  }

  /** Checks with what {@link #requested()} counts as waiting; on the watch's own thread. */
  private void tick() {
    try {
      check(waiting.get() > 0);
    } catch (RuntimeException e) {
      LOG.debug("Watching {} failed", server(bootstrapServers), e);
    }
  }

  /**
   * One look: when something has waited for the cluster without an answer for {@link #PROBE_AFTER},
   * probes it (blocking up to {@link ClusterProbe#CONNECT_TIMEOUT} per bootstrap server), at most
   * every {@link #PROBE_INTERVAL}.
   *
   * @param waiting whether anything waits for the cluster now; when nothing does, the clock starts
   *     anew at the next wait
   * @return the failure, once the cluster did not answer for longer than the limit, else null
   */
  public ServerUnreachableException check(boolean waiting) {
    ServerUnreachableException f = failure;
    if (f != null || closed) {
      return f;
    }
    long now = time.nanoseconds();
    if (!waiting) {
      lastAnswerNanos = now;
      return null;
    }
    long since = lastAnswerNanos;
    if (now - since < PROBE_AFTER.toNanos()) {
      return null;
    }
    synchronized (lock) {
      if (lastProbeNanos != NEVER && now - lastProbeNanos < PROBE_INTERVAL.toNanos()) {
        return null;
      }
      lastProbeNanos = now;
    }
    Throwable cause = probe.unreachableCause();
    if (lastAnswerNanos != since || closed) {
      return null; // answered while probing
    }
    if (cause == null) {
      if (!reachability.inOutage()) {
        return null; // slow, not unreachable: the client's own timeouts apply
      }
      // e.g. a broker restarting: its port is open, but it does not serve yet
      cause = new NoAnswer("the brokers accept connections but have not answered since");
    }
    f = reachability.noAnswer(cause);
    if (f != null) {
      fail(f);
    }
    return f;
  }

  private void fail(ServerUnreachableException f) {
    synchronized (lock) {
      failure = f;
      if (blocked != null) {
        interruptedByWatch = true;
        blocked.interrupt();
      }
    }
  }

  private void startTicking() {
    if (threadName == null || closed || ticker != null) {
      return; // the common case, every send: no lock
    }
    synchronized (lock) {
      if (ticker != null || closed) {
        return;
      }
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      long tick = TICK.toNanos();
      ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }
  }

  /** Stops watching (calls cut off by closing the client say nothing about the cluster). */
  @Override
  public void close() {
    closed = true;
    reachability.stop();
    synchronized (lock) {
      if (ticker != null) {
        // a probe under way ends by its connect timeout; nothing waits for it
        ticker.shutdownNow();
        ticker = null;
      }
    }
  }

  /** Connections are accepted, but Kafka requests get no answer. */
  private static final class NoAnswer extends Exception {
    private static final long serialVersionUID = 1L;

    NoAnswer(String message) {
      super(message, null, false, false);
    }
  }
}
