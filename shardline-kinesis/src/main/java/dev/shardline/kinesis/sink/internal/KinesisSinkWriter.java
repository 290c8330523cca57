package dev.shardline.kinesis.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ProcessingTimeService;
import dev.shardline.api.RawContent;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.WriterMailbox;
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
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kinesis sink's writer: turns records into Kinesis records (format, partition key, explicit
 * hash key, stream), refuses or dead-letters the ones Kinesis would refuse, and hands the rest to a
 * {@link ShardedSender}, which keeps every key's order.
 *
 * <p>Threads, as in Flink's {@code AsyncSinkWriter}: the state (the sender) is touched only by the
 * writer's thread: in {@link #write}, {@link #flush}, and the mails and timer callbacks the runtime
 * runs on that thread (see {@link WriterMailbox} and {@link ProcessingTimeService}). SDK futures
 * never touch it: they hand their results to the context's {@link WriterMailbox}, and each such
 * mail takes the result and sends what is then due, so a response arriving while no record comes
 * (an idle source) sends the next batch or retry at once. A timer at the sender's next deadline
 * (flush.maxAge, a backoff's end, a refilled rate bucket, a shard map refresh) sends what time
 * makes due.
 *
 * <p>Nothing waits on the writer's thread: while maxOutstandingRecords records (or
 * maxOutstandingBytes bytes) are not yet acknowledged, {@link #write} yields through the mailbox
 * ({@code while (full) mailbox.yield();}), which runs responses and due timers until there is room;
 * {@link #flush} yields the same way until every record written before it is acknowledged, or
 * throws the failure that stopped the writer. The runtime's thread so stays free for what only it
 * runs, and a Flink task for its checkpoint barriers.
 *
 * @param <T> the records it accepts
 */
public final class KinesisSinkWriter<T> implements SinkWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisSinkWriter.class);

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
  private final WriterMailbox mailbox;
  private final MessageDigest md5 = HashKey.newMd5();
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
      ProcessingTimeService timers,
      WriterMailbox mailbox) {}

  /**
   * Creates the writer and, for a fixed stream, lists its shards now, so a missing stream or
   * refused credentials fail here.
   *
   * @param parts {@code timers} and {@code mailbox}: the context's; responses and deadlines move
   *     records through them while no write or flush comes, and write and flush yield to them
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
    this.mailbox = parts.mailbox();
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
    String stream;
    try {
      stream = fixedStream != null ? fixedStream : streamFunction.apply(record);
    } catch (RuntimeException e) {
      invalid(record, null, "(none)", null, "the stream function failed on it: " + e, e);
      return;
    }
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
    } catch (ShardlineException e) {
      // the format's own trouble, not the record's (a schema registry that gives no answer or
      // refuses our credentials): never an invalid record, so never dead-lettered; it fails the
      // write as it is, and the runner restarts or stops as its type says
      throw e;
    } catch (Exception e) {
      invalid(record, null, stream, null, "the format cannot serialize it: " + e, e);
      return;
    }
    String partitionKey;
    try {
      partitionKey =
          partitionKeyFunction == null ? randomKey() : partitionKeyFunction.apply(record);
    } catch (RuntimeException e) {
      // a key is a function of the record (a JSON pointer into a record that is not JSON)
      invalid(record, data, stream, null, "the partition key function failed on it: " + e, e);
      return;
    }
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
    String explicitHashKey;
    try {
      explicitHashKey =
          explicitHashKeyFunction == null ? null : explicitHashKeyFunction.apply(record);
    } catch (RuntimeException e) {
      invalid(
          record,
          data,
          stream,
          partitionKey,
          "the explicit hash key function failed on it: " + e,
          e);
      return;
    }
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
      // responses that arrived, now rather than at the record boundary: a shard's next batch goes
      // out while the source is still emitting
      while (mailbox.tryYield()) {}
      throwIfFailed();
      sender.ensureStream(stream);
      while (!sender.hasRoomFor((int) size)) {
        sender.pump();
        throwIfFailed();
        if (!sender.hasRoomFor((int) size)) {
          yieldForProgress();
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
      sender.startFlush();
      try {
        while (true) {
          sender.pump();
          throwIfFailed();
          if (sender.isDrained()) {
            return;
          }
          yieldForProgress();
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
      byte[] payload = data != null ? data : RawContent.of(record);
      if (data == null) {
        coordinates.put(
            "payload",
            (record instanceof RawContent || record instanceof byte[]
                    ? "the record's raw content"
                    : "String.valueOf(record)")
                + ", as it could not be serialized");
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

  /**
   * Lets the writer's thread run what brings progress (a response, a due timer) while write or
   * flush must wait: arms the timer for the sender's next deadline and yields to the mailbox once.
   * Never sleeps; with nothing in flight, only the timer can help.
   */
  private void yieldForProgress() {
    armTimer();
    if (!sender.awaitingCompletion() && deadlineTimer == null) {
      throw new IllegalStateException(
          "The Kinesis sink writer waits for nothing with "
              + sender.outstandingRecords()
              + " records outstanding: a bug");
    }
    try {
      mailbox.yield();
    } catch (InterruptedException e) {
      throw new InterruptException("Interrupted while waiting for Kinesis", e);
    }
  }

  /**
   * Where SDK futures hand their results (any thread): a mail, which takes the result on the
   * writer's thread and sends what is then due.
   */
  private void handBack(Runnable completion) {
    if (closed) {
      return;
    }
    mailbox.execute(
        () -> {
          if (!closed) {
            completion.run();
            idlePump();
          }
        },
        "Kinesis response");
  }

  /** A timer callback, on the writer's thread: the sender's deadline came. */
  private void onDeadline(long timestamp) {
    deadlineTimer = null;
    deadlineTimerAt = Long.MAX_VALUE;
    idlePump();
  }

  /**
   * What write and flush do besides taking records: send what is due, and arm the timer for the
   * next deadline. A failure of the writer fails the mail or callback, so an idle pipeline learns
   * of it now rather than at its next write or checkpoint.
   */
  private void idlePump() {
    if (closed) {
      return;
    }
    try {
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
