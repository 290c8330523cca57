package dev.shardline.kafka.source.reader;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.RetriableException;
import dev.shardline.kafka.internal.ClusterWatch;
import dev.shardline.kafka.internal.KafkaErrors;
import dev.shardline.kafka.source.split.KafkaPartitionSplit;
import dev.shardline.retry.ServerUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch thread of one reader: owns the reader's {@link Consumer} (which is not thread-safe and
 * whose {@code poll} blocks), polls it, and hands each non-empty batch to the reader's worker
 * thread through a bounded queue. When the queue is full the thread stops polling until the worker
 * takes a batch; a classic consumer fetches only inside {@code poll}, so nothing more is read from
 * the brokers meanwhile (the consumer's own buffers are bounded by {@code fetch.max.bytes}).
 *
 * <p>The worker talks to it through commands (assign and seek new partitions, commit offsets),
 * which the fetch thread runs between two polls; a command wakes a blocked poll up. A failure of
 * the consumer is kept and rethrown to the worker by {@link #checkFailure()}.
 *
 * <p>Partitions with a stopping offset (a bounded source): after each poll the fetch thread checks
 * the consumer's position of each, and once it reached the stopping offset, pauses the partition
 * and reports it as ended with that poll's batch. The position, not the offset of the last record,
 * decides: with read_committed the position moves past transaction markers and aborted records,
 * which are never returned as records.
 *
 * <p>Whether the brokers answer: a consumer's {@code poll} returns nothing both when there is
 * nothing to read and when the brokers are gone, so after each poll the fetch thread tells its
 * {@link ClusterWatch} whether the consumer got any response since the last poll (its {@code
 * response-total} metric; an idle partition still gets an empty fetch response about every {@code
 * fetch.max.wait.ms}). When its polls return no records and no response came for 2 s, the watch
 * probes the bootstrap servers; an unreachable cluster is logged at once and fails the fetcher
 * after {@code unreachableTimeout}. Thread-safe.
 */
final class KafkaFetcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaFetcher.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final int COMMIT_FAILURES_LOGGED = 3;
  private static final Duration CLOSE_COMMIT_TIMEOUT = Duration.ofSeconds(5);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * What one poll brought: its records, and the partitions whose position reached their stopping
   * offset with them (partition to position).
   */
  record Fetch(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> ended) {}

  /** Something the fetch thread runs with the consumer. */
  @FunctionalInterface
  private interface Command {
    void run(Consumer<byte[], byte[]> consumer);
  }

  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  private final ArrayBlockingQueue<Fetch> batches;
  private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
  private final Runnable onBatchOrFailure;
  private final String description;
  private final Thread thread;
  private final ClusterWatch watch;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private volatile Consumer<byte[], byte[]> consumer;
  private volatile Map<TopicPartition, OffsetAndMetadata> latestCommit;
  // each assigned partition's log end offset (the last stable offset with read_committed) as the
  // consumer last learned it from a fetch answer; written by the fetch thread, read by gauges
  private final Map<TopicPartition, Long> endOffsets =
      new java.util.concurrent.ConcurrentHashMap<>();

  // fetch thread only
  private final Set<TopicPartition> assignment = new HashSet<>();
  // assigned partitions with a stopping offset their position has not reached yet
  private final Map<TopicPartition, Long> stopping = new HashMap<>();
  // assigned partitions whose position reached their stopping offset (paused)
  private final Set<TopicPartition> ended = new HashSet<>();
  private int failedCommitsInARow;
  private Metric responses;
  private double lastResponses = Double.NaN;

  /**
   * @param queueCapacity how many polled batches may wait for the worker
   * @param onBatchOrFailure called on the fetch thread after a batch is queued or the fetcher
   *     failed (completes the reader's availability future)
   * @param description what this fetcher reads, for thread names and messages
   * @param watch whether the brokers answer, checked on the fetch thread and closed with it; null
   *     for none
   */
  KafkaFetcher(
      Supplier<Consumer<byte[], byte[]>> consumerFactory,
      int queueCapacity,
      Runnable onBatchOrFailure,
      String description,
      String threadName,
      ClusterWatch watch) {
    this.watch = watch;
    this.consumerFactory = checkNotNull(consumerFactory, "consumerFactory");
    this.batches = new ArrayBlockingQueue<>(queueCapacity);
    this.onBatchOrFailure = checkNotNull(onBatchOrFailure, "onBatchOrFailure");
    this.description = checkNotNull(description, "description");
    this.thread = new Thread(this, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * The log end offset of {@code partition} (its last stable offset when reading committed) as the
   * consumer last learned it, or -1 when not known yet. Any thread.
   */
  long endOffset(TopicPartition partition) {
    Long end = endOffsets.get(partition);
    return end == null ? -1 : end;
  }

  /** The end offsets the last fetch answers told: the consumer's lag plus its position, no call. */
  private void learnEndOffsets(Consumer<byte[], byte[]> c) {
    for (TopicPartition partition : assignment) {
      java.util.OptionalLong lag = c.currentLag(partition);
      if (lag.isPresent()) {
        try {
          endOffsets.put(
              partition, c.position(partition, java.time.Duration.ZERO) + lag.getAsLong());
        } catch (RuntimeException e) {
          // no position yet (a reset or lookup pending): known after a later poll
        }
      }
    }
  }

  /** The next batch, or null when none is ready; never blocks. Worker thread. */
  Fetch poll() {
    Fetch batch = batches.poll();
    if (batch != null) {
      LockSupport.unpark(thread);
    }
    return batch;
  }

  /** Whether a batch is ready. */
  boolean hasBatch() {
    return !batches.isEmpty();
  }

  /** Whether the fetcher failed; then {@link #checkFailure()} throws. */
  boolean hasFailed() {
    return failure != null;
  }

  /** Throws the consumer's failure, if any, as a Shardline error naming what this fetcher reads. */
  void checkFailure() {
    Throwable t = failure;
    if (t != null) {
      throw KafkaErrors.classify("Reading " + description + " failed", t);
    }
  }

  /**
   * Starts reading {@code splits} at their next offsets, up to their stopping offsets if they have
   * one. Any thread.
   */
  void addSplits(List<KafkaPartitionSplit> splits) {
    List<KafkaPartitionSplit> copy = List.copyOf(splits);
    submit(
        c -> {
          for (KafkaPartitionSplit split : copy) {
            assignment.add(split.topicPartition());
            if (split.hasStoppingOffset()) {
              stopping.put(split.topicPartition(), split.stoppingOffset());
            }
          }
          c.assign(new ArrayList<>(assignment));
          for (KafkaPartitionSplit split : copy) {
            if (split.hasOffset()) {
              c.seek(split.topicPartition(), split.nextOffset());
            } else {
              c.seekToBeginning(List.of(split.topicPartition()));
            }
          }
        });
  }

  /**
   * Commits {@code offsets} (next offsets to read) to the consumer group: asynchronously while
   * running; the last offsets asked for are committed synchronously (for up to 5 s) when the
   * fetcher closes, so a graceful stop leaves the group at the final checkpoint.
   */
  void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    latestCommit = commit;
    submit(c -> c.commitAsync(commit, this::onCommitted));
  }

  private void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets, Exception error) {
    if (error == null) {
      failedCommitsInARow = 0;
      return;
    }
    // offsets live in the checkpoint; the group's offsets only serve lag tools. The first
    // commit often fails while the group coordinator is being found.
    failedCommitsInARow++;
    boolean passing =
        KafkaErrors.classify("Committing offsets of " + description, error)
                instanceof RetriableException
            && failedCommitsInARow < COMMIT_FAILURES_LOGGED;
    if (!passing && failedCommitsInARow <= COMMIT_FAILURES_LOGGED) {
      LOG.warn(
          "Committing offsets of {} to the consumer group failed {} time(s) in a row (lag"
              + " monitoring only; positions are in the checkpoint): {}",
          description,
          failedCommitsInARow,
          KafkaErrors.describe(error));
    } else {
      LOG.debug("Committing offsets of {} failed: {}", description, error.toString());
    }
  }

  private void submit(Command command) {
    commands.add(command);
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    LockSupport.unpark(thread);
  }

  @Override
  public void run() {
    Consumer<byte[], byte[]> c = null;
    try {
      c = consumerFactory.get();
      consumer = c;
      while (running) {
        Command command;
        while ((command = commands.poll()) != null) {
          runCommand(command, c);
        }
        if (assignment.size() == ended.size() || batches.remainingCapacity() == 0) {
          watchCluster(c, false); // not polling: nothing waits for the brokers
          LockSupport.parkNanos(this, IDLE_PARK_NANOS);
          continue;
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = c.poll(POLL_TIMEOUT);
        } catch (WakeupException e) {
          continue;
        }
        // records (from the consumer's buffers, maybe) are no answer, but nothing waits for one
        watchCluster(c, records.isEmpty() && assignment.size() > ended.size());
        learnEndOffsets(c);
        Map<TopicPartition, Long> endedNow = stopping.isEmpty() ? Map.of() : endedPartitions(c);
        if (!records.isEmpty() || !endedNow.isEmpty()) {
          // only this thread adds, and it checked for room above
          batches.add(new Fetch(records, endedNow));
          onBatchOrFailure.run();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        failure = e;
      }
    } catch (Throwable t) {
      if (running) {
        failure = t;
        LOG.debug("Fetcher of {} failed", description, t);
      }
    } finally {
      consumer = null;
      if (watch != null) {
        watch.close();
      }
      if (c != null) {
        // commits submitted before close (the final checkpoint's) are sent; close() waits for
        // pending async commits
        drainOnClose(c);
        try {
          // brokers known unreachable answer no close either: do not wait for them
          c.close(
              CloseOptions.timeout(
                  watch != null && watch.failed() ? Duration.ZERO : Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
          LOG.debug("Closing the consumer of {} failed", description, e);
        }
      }
      onBatchOrFailure.run();
    }
  }

  /**
   * Tells the watch whether the brokers answered since the last poll, and whether the fetcher waits
   * for them (a poll without records while partitions are to be read); throws the watch's failure
   * once they did not answer for longer than unreachableTimeout.
   */
  private void watchCluster(Consumer<byte[], byte[]> c, boolean waiting) {
    if (watch == null) {
      return;
    }
    if (waiting) {
      double count = responseCount(c);
      // without the metric (a consumer that has none) every poll counts as answered
      if (Double.isNaN(count) || count != lastResponses) {
        lastResponses = count;
        watch.answered();
      }
    }
    ServerUnreachableException unreachable = watch.check(waiting);
    if (unreachable != null) {
      throw unreachable;
    }
  }

  /** How many responses the consumer has received, or NaN without the metric. */
  private double responseCount(Consumer<byte[], byte[]> c) {
    if (responses == null) {
      for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
        if (e.getKey().name().equals("response-total")
            && e.getKey().group().equals("consumer-metrics")) {
          responses = e.getValue();
          break;
        }
      }
      if (responses == null) {
        return Double.NaN;
      }
    }
    return responses.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /**
   * The partitions whose position reached their stopping offset since the last call, now paused so
   * that records written after the stopping offset are not fetched.
   */
  private Map<TopicPartition, Long> endedPartitions(Consumer<byte[], byte[]> c) {
    Map<TopicPartition, Long> endedNow = new HashMap<>();
    for (Map.Entry<TopicPartition, Long> e : stopping.entrySet()) {
      long position;
      try {
        // known after a poll; a partition still looking up its earliest offset is tried later
        position = c.position(e.getKey(), Duration.ZERO);
      } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
        continue;
      }
      if (position >= e.getValue()) {
        endedNow.put(e.getKey(), position);
      }
    }
    if (!endedNow.isEmpty()) {
      c.pause(endedNow.keySet());
      stopping.keySet().removeAll(endedNow.keySet());
      ended.addAll(endedNow.keySet());
    }
    return endedNow;
  }

  /**
   * Runs {@code command}; again if a wakeup meant for a blocked poll interrupts it (commitAsync may
   * block briefly to find the group coordinator, and a command submitted meanwhile wakes it up).
   */
  private void runCommand(Command command, Consumer<byte[], byte[]> c) {
    while (true) {
      try {
        command.run(c);
        return;
      } catch (WakeupException e) {
        if (!running) {
          throw e;
        }
      }
    }
  }

  private void drainOnClose(Consumer<byte[], byte[]> c) {
    Command command;
    while ((command = commands.poll()) != null) {
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          command.run(c);
          break;
        } catch (WakeupException e) {
          // the wakeup of close(); it is cleared once thrown, so try once more
        } catch (RuntimeException e) {
          LOG.debug("A command of {} failed while closing", description, e);
          break;
        }
      }
    }
    Map<TopicPartition, OffsetAndMetadata> last = latestCommit;
    if (last != null) {
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          c.commitSync(last, CLOSE_COMMIT_TIMEOUT);
          break;
        } catch (WakeupException e) {
          // as above
        } catch (RuntimeException e) {
          onCommitted(last, e);
          break;
        }
      }
    }
  }

  /** Stops the thread and closes the consumer; waits up to 10 s. Worker thread. */
  void close() throws InterruptedException {
    running = false;
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    LockSupport.unpark(thread);
    if (thread.isAlive() && thread != Thread.currentThread()) {
      thread.join(10_000);
      if (thread.isAlive()) {
        LOG.warn("The fetch thread of {} did not stop within 10 s", description);
      }
    }
  }
}
