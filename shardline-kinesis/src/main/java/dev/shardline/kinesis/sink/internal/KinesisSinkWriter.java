package dev.shardline.kinesis.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.format.SerializationSchema;
import dev.shardline.kinesis.aggregation.HashKey;
import dev.shardline.kinesis.sink.InvalidRecordException;
import dev.shardline.kinesis.sink.InvalidRecordPolicy;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.retry.InterruptException;
import dev.shardline.time.Time;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kinesis sink's writer: turns records into Kinesis records (format, partition key, explicit
 * hash key, stream), refuses or dead-letters the ones Kinesis would refuse, and hands the rest to a
 * {@link ShardedSender}, which keeps every key's order.
 *
 * <p>Threads, as in Flink's {@code AsyncSinkWriter}: the state (the sender) is touched only by the
 * writer's thread: in {@link #write}, {@link #flush} and the callbacks of the context's {@link
 * ProcessingTimeService}, which the runtime runs on that thread between its calls. SDK futures
 * never touch it: they put their results in the writer's mailbox, which that thread drains. While
 * no record arrives (an idle source), timers keep records moving: one at the sender's next deadline
 * (flush.maxAge, a backoff's end, a refilled rate bucket, a shard map refresh), and one for "now"
 * registered by the first completion that arrives while none is pending, so a response is taken and
 * the next batch or retry sent promptly.
 *
 * <p>{@link #write} blocks while maxOutstandingRecords records (or maxOutstandingBytes bytes) are
 * not yet acknowledged; {@link #flush} returns once every record written before it is acknowledged,
 * or throws the failure that stopped the writer.
 *
 * @param <T> the records it accepts
 */
public final class KinesisSinkWriter<T> implements SinkWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisSinkWriter.class);

  /** The most a waiting owner sleeps before it looks again (a safety net, not a poll). */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final int MAX_PARTITION_KEY_CHARS = 256;

  private final KinesisSinkClient client;
  private final ShardedSender sender;
  private final SinkMetrics metrics;
  private final Time time;
  private final SerializationSchema<? super T> format;
  private final String fixedStream;
  private final SerializableFunction<? super T, String> streamFunction;
  private final SerializableFunction<? super T, String> partitionKeyFunction;
  private final SerializableFunction<? super T, String> explicitHashKeyFunction;
  private final InvalidRecordPolicy invalidRecordPolicy;
  private final DeadLetterOutput deadLetters;
  private final ProcessingTimeService timers;
  private final MessageDigest md5 = HashKey.newMd5();

  // completions from SDK threads, run by the writer's thread
  private final LinkedBlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();
  // a "now" timer is registered to take the mailbox's completions and not run yet
  private final AtomicBoolean wakeUpRegistered = new AtomicBoolean();
  private volatile boolean closed;

  // the writer's thread only
  private ProcessingTimeService.Timer deadlineTimer;
  private long deadlineTimerAt = Long.MAX_VALUE; // on the sender's nanosecond scale

  /** What a writer is made of. */
  public record Parts<T>(
      KinesisSinkClient client,
      SenderSettings settings,
      Time time,
      SinkMetrics metrics,
      SerializationSchema<? super T> format,
      String stream,
      SerializableFunction<? super T, String> streamFunction,
      SerializableFunction<? super T, String> partitionKeyFunction,
      SerializableFunction<? super T, String> explicitHashKeyFunction,
      InvalidRecordPolicy invalidRecordPolicy,
      DeadLetterOutput deadLetters,
      Duration listTimeout,
      ProcessingTimeService timers) {}

  /**
   * Creates the writer and, for a fixed stream, lists its shards now, so a missing stream or
   * refused credentials fail here.
   *
   * @param parts {@code timers}: the context's; their callbacks move records while no write or
   *     flush comes
   */
  public KinesisSinkWriter(Parts<T> parts) {
    this.client = parts.client();
    this.time = parts.time();
    this.metrics = parts.metrics();
    this.format = parts.format();
    this.fixedStream = parts.stream();
    this.streamFunction = parts.streamFunction();
    this.partitionKeyFunction = parts.partitionKeyFunction();
    this.explicitHashKeyFunction = parts.explicitHashKeyFunction();
    this.invalidRecordPolicy = parts.invalidRecordPolicy();
    this.deadLetters = parts.deadLetters();
    this.timers = parts.timers();
    this.sender =
        new ShardedSender(
            client, parts.settings(), time, metrics, this::handBack, parts.listTimeout());
    if (fixedStream != null) {
      sender.ensureStream(fixedStream);
    }
  }

  @Override
  public void write(T record) {
    throwIfClosed();
    String stream = fixedStream != null ? fixedStream : streamFunction.apply(record);
    if (stream == null || stream.isBlank()) {
      invalid(record, null, "(none)", null, "the stream function gave no stream", null);
      return;
    }
    byte[] data;
    try {
      data = format.serialize(record);
      if (data == null) {
        throw new IllegalStateException("the format returned null");
      }
    } catch (Exception e) {
      invalid(record, null, stream, null, "the format cannot serialize it: " + e, e);
      return;
    }
    String partitionKey =
        partitionKeyFunction == null ? randomKey() : partitionKeyFunction.apply(record);
    if (partitionKey == null || partitionKey.isEmpty()) {
      invalid(record, data, stream, partitionKey, "its partition key is empty", null);
      return;
    }
    if (partitionKey.length() > MAX_PARTITION_KEY_CHARS) {
      invalid(
          record,
          data,
          stream,
          partitionKey.substring(0, 32) + "...",
          "its partition key has "
              + partitionKey.length()
              + " characters; Kinesis takes at most "
              + MAX_PARTITION_KEY_CHARS,
          null);
      return;
    }
    byte[] keyBytes = partitionKey.getBytes(UTF_8);
    long size = (long) data.length + keyBytes.length;
    if (size > KinesisSinkOptions.MAX_RECORD_BYTES.bytes()) {
      invalid(
          record,
          data,
          stream,
          partitionKey,
          "it is "
              + size
              + " bytes with its partition key, over the Kinesis record limit of 1 MiB ("
              + KinesisSinkOptions.MAX_RECORD_BYTES.bytes()
              + " bytes)",
          null);
      return;
    }
    String explicitHashKey =
        explicitHashKeyFunction == null ? null : explicitHashKeyFunction.apply(record);
    HashKey hashKey;
    if (explicitHashKey != null) {
      try {
        hashKey = HashKey.parse(explicitHashKey);
      } catch (IllegalArgumentException e) {
        invalid(
            record, data, stream, partitionKey, "its explicit hash key " + e.getMessage(), null);
        return;
      }
    } else {
      hashKey = HashKey.ofPartitionKey(keyBytes, md5);
    }
    try {
      drainMailbox();
      throwIfFailed();
      sender.ensureStream(stream);
      while (!sender.hasRoomFor((int) size)) {
        sender.pump();
        throwIfFailed();
        if (!sender.hasRoomFor((int) size)) {
          awaitProgress();
        }
      }
      sender.add(stream, partitionKey, explicitHashKey, hashKey, data, (int) size);
      sender.pump();
      throwIfFailed();
    } finally {
      armTimer();
    }
  }

  @Override
  public void flush() {
    throwIfClosed();
    try {
      drainMailbox();
      sender.startFlush();
      try {
        while (true) {
          sender.pump();
          throwIfFailed();
          if (sender.isDrained()) {
            return;
          }
          awaitProgress();
        }
      } finally {
        sender.endFlush();
      }
    } finally {
      armTimer();
    }
  }

  /** Records written and not yet acknowledged, as last published; any thread may ask. */
  public long outstandingRecords() {
    return metrics.bufferRecords.get();
  }

  /** See {@link ShardedSender#ambiguousRecords()}; any thread may ask. */
  public long ambiguousRecords() {
    return sender.ambiguousRecords();
  }

  /** The sender, for tests: call only on the writer's thread. */
  ShardedSender sender() {
    return sender;
  }

  @Override
  public void close() {
    closed = true;
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
      deadlineTimer = null;
    }
    sender.close();
    mailbox.clear();
    client.close();
  }

  // ---------------------------------------------------------------- records Kinesis would refuse

  private void invalid(
      T record, byte[] data, String stream, String partitionKey, String problem, Throwable cause) {
    String message =
        "Cannot write a record to Kinesis stream \""
            + stream
            + "\""
            + (partitionKey == null ? "" : " (partition key \"" + partitionKey + "\")")
            + ": "
            + problem
            + ".";
    if (invalidRecordPolicy == InvalidRecordPolicy.DEAD_LETTER) {
      Map<String, String> coordinates = new LinkedHashMap<>();
      coordinates.put("stream", stream);
      if (partitionKey != null) {
        coordinates.put("partitionKey", partitionKey);
      }
      byte[] payload = data != null ? data : String.valueOf(record).getBytes(UTF_8);
      if (data == null) {
        coordinates.put("payload", "String.valueOf(record), as it could not be serialized");
      }
      deadLetters.send(new DeadLetter(payload, coordinates, message, time.milliseconds()));
      metrics.deadLettered.increment();
      LOG.warn("{} Sent to the dead-letter sink.", message);
      return;
    }
    throw new InvalidRecordException(
        message + " Fix the record, or set invalidRecords.policy to dead-letter.", cause);
  }

  private static String randomKey() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  // ---------------------------------------------------------------- threads

  private void throwIfClosed() {
    if (closed) {
      throw new IllegalStateException("The Kinesis sink writer is closed");
    }
  }

  private void throwIfFailed() {
    if (sender.failure().isPresent()) {
      throw sender.failure().get();
    }
  }

  private void drainMailbox() {
    Runnable completion;
    while ((completion = mailbox.poll()) != null) {
      completion.run();
    }
  }

  /**
   * Waits (on the writer's thread) until a completion arrives or the sender's next deadline passes.
   * When nothing is in flight, only time can help, so it sleeps on the {@link Time} (a manual clock
   * moves at once).
   */
  private void awaitProgress() {
    long now = time.nanoseconds();
    long wakeAt = sender.wakeAt();
    long waitNanos = wakeAt == Long.MAX_VALUE ? Long.MAX_VALUE : wakeAt - now;
    try {
      if (!sender.awaitingCompletion()) {
        if (waitNanos == Long.MAX_VALUE) {
          throw new IllegalStateException(
              "The Kinesis sink writer waits for nothing with "
                  + sender.outstandingRecords()
                  + " records outstanding: a bug");
        }
        if (waitNanos > 0) {
          time.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
        }
        return;
      }
      if (waitNanos <= 0) {
        drainMailbox();
        return;
      }
      Runnable completion = mailbox.poll(Math.min(waitNanos, MAX_WAIT_NANOS), TimeUnit.NANOSECONDS);
      if (completion != null) {
        completion.run();
        drainMailbox();
      }
    } catch (InterruptedException e) {
      throw new InterruptException("Interrupted while waiting for Kinesis", e);
    }
  }

  /**
   * Where SDK futures hand their results (any thread): the mailbox, and a timer for now, unless one
   * is pending already, so the writer's thread takes them even when no write or flush comes.
   */
  private void handBack(Runnable completion) {
    mailbox.add(completion);
    if (!closed && wakeUpRegistered.compareAndSet(false, true)) {
      timers.registerTimer(timers.getCurrentProcessingTime(), this::onWakeUp);
    }
  }

  /** A timer callback, on the writer's thread: completions arrived. */
  private void onWakeUp(long timestamp) {
    wakeUpRegistered.set(false);
    idlePump();
  }

  /** A timer callback, on the writer's thread: the sender's deadline came. */
  private void onDeadline(long timestamp) {
    deadlineTimer = null;
    deadlineTimerAt = Long.MAX_VALUE;
    idlePump();
  }

  /**
   * What write and flush do besides taking records: run the completions, send what is due, and arm
   * the timer for the next deadline. A failure of the writer fails the callback, so an idle
   * pipeline learns of it now rather than at its next write or checkpoint.
   */
  private void idlePump() {
    if (closed) {
      return;
    }
    try {
      drainMailbox();
      sender.pump();
    } finally {
      armTimer();
    }
    throwIfFailed();
  }

  /**
   * Makes sure a timer fires at the sender's next deadline (on the writer's thread). A timer
   * already armed for that time or earlier stays; it arms again when it fires.
   */
  private void armTimer() {
    if (closed) {
      return;
    }
    long wakeAt = sender.wakeAt();
    if (wakeAt == Long.MAX_VALUE || wakeAt >= deadlineTimerAt) {
      return;
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    deadlineTimerAt = wakeAt;
    long delayNanos = Math.max(0, wakeAt - time.nanoseconds());
    // rounded up to whole milliseconds; the millisecond clock may still call it up to 1 ms early,
    // when pump() finds nothing due and this arms again, at least 1 ms on
    long delayMillis = (delayNanos + 999_999) / 1_000_000;
    deadlineTimer =
        timers.registerTimer(timers.getCurrentProcessingTime() + delayMillis, this::onDeadline);
  }
}
