package dev.shardline.kinesis.sink.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.WriterMailbox;
import dev.shardline.api.function.SerializableFunction;
import dev.shardline.config.Configuration;
import dev.shardline.format.SerializationSchema;
import dev.shardline.format.StringFormat;
import dev.shardline.kinesis.sink.InvalidRecordException;
import dev.shardline.kinesis.sink.InvalidRecordPolicy;
import dev.shardline.kinesis.sink.KinesisSinkException;
import dev.shardline.kinesis.sink.KinesisSinkOptions;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.testsupport.ManualProcessingTimeService;
import dev.shardline.testsupport.StandaloneSinkContext;
import dev.shardline.time.ManualTime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KinesisSinkWriterTest {
  /** The partition key of "key:value". */
  private static final SerializableFunction<String, String> KEY = value -> value.split(":")[0];

  private final ManualTime time = new ManualTime();
  // the test's thread is the writer's: timers fire and mails run when a test calls
  // fireDueTimers() or runPendingMails(), or where the writer yields
  private final StandaloneSinkContext context = StandaloneSinkContext.of("test").withTime(time);
  private final ManualProcessingTimeService timers =
      (ManualProcessingTimeService) context.processingTimeService();
  private final StandaloneSinkContext.Mailbox mailbox =
      (StandaloneSinkContext.Mailbox) context.mailbox();
  private final FakeKinesis kinesis = new FakeKinesis().stream("s", 2);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  // what the writer under test gets as its mailbox
  private WriterMailbox writerMailbox = mailbox;
  private KinesisSinkWriter<String> writer;

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
  }

  private KinesisSinkWriter<String> writer(
      Configuration.Builder config, InvalidRecordPolicy policy) {
    return writer(
        config.set(KinesisSinkOptions.STREAM, "s"),
        StringFormat.utf8(),
        null,
        KEY,
        null,
        policy,
        StandaloneSinkContext.of("test").withDeadLettersTo(deadLetters).deadLetters());
  }

  /**
   * The writer under test, on the fake Kinesis, the manual clock and its timers: to stream {@code
   * stream} of {@code config} unless a {@code streamFunction} is given.
   */
  private KinesisSinkWriter<String> writer(
      Configuration.Builder config,
      SerializationSchema<String> format,
      SerializableFunction<String, String> streamFunction,
      SerializableFunction<String, String> partitionKey,
      SerializableFunction<String, String> explicitHashKey,
      InvalidRecordPolicy policy,
      DeadLetterOutput letters) {
    Configuration validated = KinesisSinkOptions.OPTIONS.validate(config.build());
    String stream = validated.getOptional(KinesisSinkOptions.STREAM).orElse(null);
    writer =
        new KinesisSinkWriter<>(
            new KinesisSinkWriter.Parts<>(
                kinesis,
                SenderSettings.from(validated),
                time,
                new SinkMetrics(registry, stream == null ? "*" : stream),
                format,
                stream,
                streamFunction,
                partitionKey,
                explicitHashKey,
                policy,
                letters,
                Duration.ofSeconds(5),
                timers,
                writerMailbox));
    return writer;
  }

  @Test
  void flushReturnsOnlyOnceEveryRecordWrittenBeforeItIsAcknowledged() throws Exception {
    writer(Configuration.builder(), InvalidRecordPolicy.FAIL);
    kinesis.autoComplete(false);
    for (int i = 0; i < 10; i++) {
      writer.write("k" + i + ":" + i);
    }
    assertThat(kinesis.requests()).isEmpty();

    CompletableFuture<Void> flush = CompletableFuture.runAsync(writer::flush);
    FakeKinesis.Call call = awaitPending();
    assertThat(flush).isNotDone();
    call.complete();

    flush.get(10, TimeUnit.SECONDS);
    assertThat(kinesis.stored("s")).hasSize(10);
    assertThat(writer.outstandingRecords()).isZero();
  }

  @Test
  void writeWaitsWhileMaxOutstandingRecordsAreUnacknowledged() throws Exception {
    writer(
        Configuration.builder()
            .set(KinesisSinkOptions.FLUSH_MAX_RECORDS, 5)
            .set(KinesisSinkOptions.MAX_OUTSTANDING_RECORDS, 5),
        InvalidRecordPolicy.FAIL);
    kinesis.autoComplete(false);
    for (int i = 0; i < 5; i++) {
      writer.write("k" + i + ":" + i);
    }

    CompletableFuture<Void> sixth = CompletableFuture.runAsync(() -> writer.write("k5:5"));
    FakeKinesis.Call call = awaitPending();
    assertThat(sixth).isNotDone();
    assertThat(writer.outstandingRecords()).isEqualTo(5);
    call.complete();

    sixth.get(10, TimeUnit.SECONDS);
    assertThat(kinesis.stored("s")).hasSize(5);
  }

  @Test
  @Timeout(10)
  void aWriteBeyondMaxOutstandingRecordsYieldsToTheMailboxInsteadOfBlockingItsThread()
      throws Exception {
    // Given five records in flight, as many as maxOutstandingRecords allows, not yet acknowledged
    RecordingMailbox recording = new RecordingMailbox();
    writerMailbox = recording;
    writer(
        Configuration.builder()
            .set(KinesisSinkOptions.FLUSH_MAX_RECORDS, 5)
            .set(KinesisSinkOptions.MAX_OUTSTANDING_RECORDS, 5),
        InvalidRecordPolicy.FAIL);
    kinesis.autoComplete(false);
    for (int i = 0; i < 5; i++) {
      writer.write("k" + i + ":" + i);
    }
    FakeKinesis.Call call = awaitPending();
    long before = time.nanoseconds();
    // the response arrives only once the writer's thread is back in the mailbox's hands
    recording.onFirstYield = call::complete;

    // When a sixth record is written, on this (the writer's) thread
    writer.write("k5:5");

    // Then the write yielded once, the response's mail ran in that yield and made room; nothing
    // slept (the manual clock did not move) and no other thread was needed
    assertThat(recording.yields).isEqualTo(1);
    assertThat(recording.ranInYield).containsExactly("Kinesis response");
    assertThat(time.nanoseconds()).isEqualTo(before);
    assertThat(kinesis.stored("s")).hasSize(5);
    assertThat(writer.outstandingRecords()).isEqualTo(1);
  }

  @Test
  @Timeout(10)
  void aFlushWaitingForAnInFlightRequestYieldsAndEndsWhenTheResponsesMailRuns() throws Exception {
    // Given ten records buffered, and a Kinesis that answers only when told
    RecordingMailbox recording = new RecordingMailbox();
    writerMailbox = recording;
    writer(Configuration.builder(), InvalidRecordPolicy.FAIL);
    kinesis.autoComplete(false);
    for (int i = 0; i < 10; i++) {
      writer.write("k" + i + ":" + i);
    }
    // an SDK thread answers the request the flush sent, once the flush waits
    recording.onFirstYield =
        () -> {
          Thread sdk =
              new Thread(
                  () -> {
                    try {
                      awaitPending().complete();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "sdk-response");
          sdk.start();
        };

    // When the writer's thread flushes
    writer.flush();

    // Then the flush gave the thread to the mailbox until the response's mail ran in it
    assertThat(recording.yields).isPositive();
    assertThat(recording.ranInYield).contains("Kinesis response");
    assertThat(kinesis.stored("s")).hasSize(10);
    assertThat(writer.outstandingRecords()).isZero();
  }

  @Test
  void writeThrowsTheFailureThatStoppedTheWriter() {
    writer(
        Configuration.builder().set(KinesisSinkOptions.RETRY_MAX_ATTEMPTS, 2),
        InvalidRecordPolicy.FAIL);
    kinesis.policy((stream, shard, entry, index) -> "ProvisionedThroughputExceededException");
    writer.write("k:1");

    assertThatThrownBy(writer::flush)
        .isInstanceOf(KinesisSinkException.class)
        .hasMessageContaining("after 2 attempts");
    assertThatThrownBy(() -> writer.write("k:2")).isInstanceOf(KinesisSinkException.class);
  }

  @Test
  void aRecordOverOneMebibyteWithItsKeyFailsTheWrite() {
    writer(Configuration.builder(), InvalidRecordPolicy.FAIL);
    String key = "big";
    String value = key + ":" + "x".repeat(1024 * 1024 - key.length() - 1 - key.length() + 1);

    assertThatThrownBy(() -> writer.write(value))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("Kinesis stream \"s\"")
        .hasMessageContaining("partition key \"big\"")
        .hasMessageContaining("1048577 bytes with its partition key")
        .hasMessageContaining("1 MiB")
        .hasMessageContaining("invalidRecords.policy");
    writer.flush();
    assertThat(kinesis.requests()).isEmpty();
  }

  @Test
  void aRecordOfExactlyOneMebibyteWithItsKeyIsWritten() {
    writer(Configuration.builder(), InvalidRecordPolicy.FAIL);
    String key = "big";
    String value = key + ":" + "x".repeat(1024 * 1024 - key.length() - key.length() - 1);
    assertThat(value.length() + key.length()).isEqualTo(1024 * 1024);

    writer.write(value);
    writer.flush();

    assertThat(kinesis.stored("s")).hasSize(1);
  }

  @Test
  void aRecordOverTheLimitGoesToTheDeadLetterSinkWhenConfigured() {
    writer(Configuration.builder(), InvalidRecordPolicy.DEAD_LETTER);
    String value = "big:" + "x".repeat(1024 * 1024);

    writer.write(value);
    writer.write("small:1");
    writer.flush();

    assertThat(deadLetters).hasSize(1);
    DeadLetter letter = deadLetters.get(0);
    assertThat(new String(letter.payload(), UTF_8)).isEqualTo(value);
    assertThat(letter.coordinates())
        .containsEntry("stream", "s")
        .containsEntry("partitionKey", "big");
    assertThat(letter.error()).contains("over the Kinesis record limit");
    assertThat(kinesis.stored("s")).hasSize(1);
    assertThat(
            registry.get(dev.shardline.metrics.MetricNames.RECORDS_DEAD_LETTERED).counter().count())
        .isEqualTo(1);
  }

  @Test
  void anEmptyOrOverlongPartitionKeyIsRefused() {
    writer(Configuration.builder(), InvalidRecordPolicy.FAIL);

    assertThatThrownBy(() -> writer.write(":value"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("partition key is empty");
    assertThatThrownBy(() -> writer.write("k".repeat(257) + ":value"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("257 characters");
  }

  @Test
  void aBadExplicitHashKeyIsRefused() {
    writer(
        Configuration.builder().set(KinesisSinkOptions.STREAM, "s"),
        StringFormat.utf8(),
        null,
        v -> "k",
        v -> v,
        InvalidRecordPolicy.FAIL,
        null);

    assertThatThrownBy(() -> writer.write("-1"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("explicit hash key");
    writer.write("340282366920938463463374607431768211455"); // 2^128 - 1: the last shard
    writer.flush();
    assertThat(kinesis.stored("s"))
        .extracting(FakeKinesis.Stored::shardId)
        .containsExactly("shardId-000000000001");
  }

  @Test
  void aValueTheFormatCannotSerializeIsRefusedNamingTheCause() {
    writer(
        Configuration.builder().set(KinesisSinkOptions.STREAM, "s"),
        value -> {
          throw new java.io.IOException("not valid Avro");
        },
        null,
        null,
        null,
        InvalidRecordPolicy.FAIL,
        null);

    assertThatThrownBy(() -> writer.write("x"))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining("cannot serialize")
        .hasMessageContaining("not valid Avro")
        .hasCauseInstanceOf(java.io.IOException.class);
  }

  @Test
  void aFormatThatCannotWorkFailsTheWriteAsItIsAndDeadLettersNothing() {
    // Given a format whose schema registry gives no answer, and invalid records dead-lettered
    ServerUnreachableException outage =
        new ServerUnreachableException(
            "Cannot reach the schema registry at http://127.0.0.1:1",
            "the schema registry at http://127.0.0.1:1",
            Duration.ofSeconds(30),
            new java.net.ConnectException("Connection refused"));
    writer(
        Configuration.builder().set(KinesisSinkOptions.STREAM, "s"),
        value -> {
          throw outage;
        },
        null,
        KEY,
        null,
        InvalidRecordPolicy.DEAD_LETTER,
        StandaloneSinkContext.of("test").withDeadLettersTo(deadLetters).deadLetters());

    // Then the write fails with the format's own error: the record is not invalid, so it is
    // neither refused as one nor dead-lettered (the runner restarts, the record is written then)
    assertThatThrownBy(() -> writer.write("k:1")).isSameAs(outage);
    assertThat(deadLetters).isEmpty();
    assertThat(kinesis.requests()).isEmpty();
  }

  @Test
  void aRecordItsKeyFunctionFailsOnIsInvalidAndDeadLetteredWithItsBytes() {
    // Given a partition key taken from a JSON field, and invalid records dead-lettered
    writer(
        Configuration.builder().set(KinesisSinkOptions.STREAM, "s"),
        StringFormat.utf8(),
        null,
        value -> {
          if (!value.startsWith("{")) {
            throw new IllegalArgumentException("the record is not JSON");
          }
          return "k";
        },
        null,
        InvalidRecordPolicy.DEAD_LETTER,
        StandaloneSinkContext.of("test").withDeadLettersTo(deadLetters).deadLetters());

    writer.write("plain text");
    writer.write("{\"a\":1}");
    writer.flush();

    // Then the one it fails on is an invalid record, dead-lettered as written; the other is sent
    assertThat(deadLetters).hasSize(1);
    assertThat(new String(deadLetters.get(0).payload(), UTF_8)).isEqualTo("plain text");
    assertThat(deadLetters.get(0).error())
        .contains("the partition key function failed on it")
        .contains("the record is not JSON");
    assertThat(kinesis.stored("s")).hasSize(1);
  }

  @Test
  void aMissingStreamFailsWhenTheWriterIsCreated() {
    Configuration validated =
        KinesisSinkOptions.OPTIONS.validate(
            Configuration.builder().set(KinesisSinkOptions.STREAM, "missing").build());

    assertThatThrownBy(
            () ->
                new KinesisSinkWriter<String>(
                    new KinesisSinkWriter.Parts<>(
                        kinesis,
                        SenderSettings.from(validated),
                        time,
                        new SinkMetrics(registry, "missing"),
                        StringFormat.utf8(),
                        "missing",
                        null,
                        null,
                        null,
                        InvalidRecordPolicy.FAIL,
                        null,
                        Duration.ofSeconds(5),
                        timers,
                        mailbox)))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("Kinesis stream \"missing\" does not exist");
  }

  @Test
  void whileNoRecordComesATimerSendsBufferedRecordsAtFlushMaxAge() throws Exception {
    // Given a record buffered, and no write or flush after it
    writer(
        Configuration.builder().set(KinesisSinkOptions.FLUSH_MAX_AGE, Duration.ofMillis(500)),
        InvalidRecordPolicy.FAIL);
    writer.write("k:1");
    assertThat(kinesis.requests()).isEmpty();
    assertThat(timers.fireDueTimers()).isZero();

    // When flush.maxAge passes and the due timers fire
    time.advance(Duration.ofMillis(499));
    assertThat(timers.fireDueTimers()).isZero();
    time.advance(Duration.ofMillis(1));
    assertThat(timers.fireDueTimers()).isEqualTo(1);
    // the fake answers at once; the runtime runs the response's mail while the writer is idle
    assertThat(mailbox.runPendingMails()).isEqualTo(1);

    // Then it is sent and acknowledged, with no write or flush
    assertThat(kinesis.requests()).hasSize(1);
    assertThat(kinesis.stored("s")).hasSize(1);
    assertThat(writer.outstandingRecords()).isZero();
  }

  @Test
  void aResponseArrivingWhileTheWriterIsIdleLetsItSendTheNextRecordOfTheKeyAtOnce()
      throws Exception {
    // Given two records of one key: the second waits for the first's request (one per key)
    writer(
        Configuration.builder().set(KinesisSinkOptions.FLUSH_MAX_AGE, Duration.ofMillis(500)),
        InvalidRecordPolicy.FAIL);
    kinesis.autoComplete(false);
    writer.write("k:1");
    writer.write("k:2");
    time.advance(Duration.ofMillis(500));
    timers.fireDueTimers();
    FakeKinesis.Call first = awaitPending();
    assertThat(kinesis.requests()).hasSize(1);

    // When its response arrives on another thread while no write or flush comes
    Thread sdk = new Thread(first::complete, "sdk-response");
    sdk.start();
    sdk.join(10_000);

    // Then a mail is pending, and running it sends the second record without waiting
    assertThat(mailbox.pendingMails()).isEqualTo(1);
    mailbox.runPendingMails();
    assertThat(kinesis.requests()).hasSize(2);
    awaitPending().complete();
    mailbox.runPendingMails();
    assertThat(kinesis.stored("s"))
        .extracting(stored -> new String(stored.data(), UTF_8))
        .containsExactly("k:1", "k:2");
  }

  @Test
  void aClosedWritersTimersDoNothingAndItRegistersNoMore() throws Exception {
    writer(Configuration.builder(), InvalidRecordPolicy.FAIL);
    writer.write("k:1");
    writer.close();
    writer = null;

    time.advance(Duration.ofSeconds(5));
    timers.fireDueTimers();

    assertThat(kinesis.requests()).isEmpty();
    assertThat(timers.pendingTimestamps()).isEmpty();
  }

  @Test
  void aStreamFunctionRoutesEachRecordToItsStreamInPerKeyOrderUnderThrottling() {
    // Given two streams, a function routing even keys to one and odd keys to the other, and a
    // Kinesis that refuses every third record it sees (so records are retried)
    kinesis.stream("t", 3);
    int[] seen = {0};
    kinesis.policy(
        (stream, shard, entry, index) ->
            ++seen[0] % 3 == 0 ? "ProvisionedThroughputExceededException" : null);
    writer(
        Configuration.builder(),
        StringFormat.utf8(),
        value -> Integer.parseInt(KEY.apply(value).substring(1)) % 2 == 0 ? "s" : "t",
        KEY,
        null,
        InvalidRecordPolicy.FAIL,
        null);
    int keys = 20;
    int perKey = 50;

    // When records of all keys are written interleaved, and flushed
    for (int n = 0; n < perKey; n++) {
      for (int k = 0; k < keys; k++) {
        writer.write("k" + k + ":" + n);
      }
    }
    writer.flush();

    // Then each stream holds exactly its keys' records, each key's in write order, once
    assertThat(seen[0]).isGreaterThan(keys * perKey);
    for (String stream : List.of("s", "t")) {
      java.util.Map<String, List<Integer>> byKey = new java.util.TreeMap<>();
      for (FakeKinesis.Stored stored : kinesis.stored(stream)) {
        String[] parts = new String(stored.data(), UTF_8).split(":");
        assertThat(parts[0]).isEqualTo(stored.partitionKey());
        byKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
      }
      int parity = stream.equals("s") ? 0 : 1;
      List<String> expectedKeys = new ArrayList<>();
      for (int k = parity; k < keys; k += 2) {
        expectedKeys.add("k" + k);
      }
      assertThat(byKey.keySet()).as(stream).containsExactlyInAnyOrderElementsOf(expectedKeys);
      List<Integer> counters = java.util.stream.IntStream.range(0, perKey).boxed().toList();
      assertThat(byKey)
          .as(stream)
          .allSatisfy((k, values) -> assertThat(values).isEqualTo(counters));
    }
    assertThat(kinesis.requests())
        .extracting(request -> request.streamName())
        .containsOnly("s", "t")
        .contains("s", "t");
    assertThat(writer.outstandingRecords()).isZero();
  }

  private FakeKinesis.Call awaitPending() throws InterruptedException {
    return kinesis.awaitPending(Duration.ofSeconds(10));
  }

  /**
   * The context's mailbox, counting yields and noting which mails ran inside one; runs {@code
   * onFirstYield} at the first yield, before it yields (what a runtime's other work would do
   * there). The writer's thread only, except {@link #execute}.
   */
  private final class RecordingMailbox implements WriterMailbox {
    Runnable onFirstYield = () -> {};
    int yields;
    final List<String> ranInYield = new ArrayList<>();
    private boolean inYield;

    @Override
    public void execute(Mail mail, String description) {
      mailbox.execute(
          () -> {
            if (inYield) {
              ranInYield.add(description);
            }
            mail.run();
          },
          description);
    }

    @Override
    public void yield() throws InterruptedException {
      if (++yields == 1) {
        onFirstYield.run();
      }
      inYield = true;
      try {
        mailbox.yield();
      } finally {
        inYield = false;
      }
    }

    @Override
    public boolean tryYield() {
      return mailbox.tryYield();
    }
  }
}
