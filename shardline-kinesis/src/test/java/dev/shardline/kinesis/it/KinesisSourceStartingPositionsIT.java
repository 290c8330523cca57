package dev.shardline.kinesis.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.kinesis.source.KinesisMetricNames;
import dev.shardline.kinesis.source.KinesisRecord;
import dev.shardline.kinesis.source.StartingPosition;
import dev.shardline.runtime.Pipeline;
import dev.shardline.runtime.RestartPolicy;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import dev.shardline.testkit.kinesis.LocalKinesis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;

/** Every starting position against kinesis-local, on a 2-shard stream each. */
class KinesisSourceStartingPositionsIT {
  @RegisterExtension static final LocalKinesisExtension KINESIS = new LocalKinesisExtension();

  private static final AtomicInteger STREAMS = new AtomicInteger();

  @TempDir Path dir;

  @Test
  void earliestReadsEverythingAlreadyThere(LocalKinesis kinesis) throws Exception {
    String stream = newStream(kinesis);
    put(kinesis, stream, "a", "b", "c");
    assertThat(read(kinesis, stream, StartingPosition.earliest(), 3, null))
        .containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void latestReadsOnlyWhatIsWrittenAfterTheStart(LocalKinesis kinesis) throws Exception {
    String stream = newStream(kinesis);
    put(kinesis, stream, "old");
    assertThat(
            read(
                kinesis,
                stream,
                StartingPosition.latest(),
                2,
                () -> put(kinesis, stream, "new-1", "new-2")))
        .containsExactlyInAnyOrder("new-1", "new-2");
  }

  @Test
  void aDateReadsWhatArrivedFromThenOn(LocalKinesis kinesis) throws Exception {
    String stream = newStream(kinesis);
    put(kinesis, stream, "before");
    // Arrival times have second precision on some servers: the date is a whole second, more than
    // a second after "before" arrived, so "before" is earlier and "after-*" no earlier than the
    // date whether or not the server truncates (a date 100 ms before "after-*" could fall in the
    // same second as their arrival and compare after a truncated arrival time)
    Instant date = Instant.now().plusMillis(1_100).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), date).toMillis()) + 100);
    put(kinesis, stream, "after-1", "after-2");
    assertThat(read(kinesis, stream, StartingPosition.atTimestamp(date), 2, null))
        .containsExactlyInAnyOrder("after-1", "after-2");
  }

  @Test
  void sequenceNumbersStartAfterOrAtTheGivenRecord(LocalKinesis kinesis) throws Exception {
    String stream = newStream(kinesis);
    List<PutRecordResponse> puts = put(kinesis, stream, "x-0", "x-1", "x-2");
    // all three went to the shard of key "same"
    PutRecordResponse second = puts.get(1);
    Map<String, String> given = Map.of(second.shardId(), second.sequenceNumber());
    assertThat(read(kinesis, stream, StartingPosition.afterSequenceNumbers(given), 1, null))
        .containsExactly("x-2");
    assertThat(read(kinesis, stream, StartingPosition.atSequenceNumbers(given), 2, null))
        .containsExactly("x-1", "x-2");
  }

  private List<String> read(
      LocalKinesis kinesis,
      String stream,
      StartingPosition position,
      int expected,
      Runnable afterStart)
      throws Exception {
    CollectingSink<KinesisRecord<byte[]>, String> sink =
        new CollectingSink<>(r -> new String(r.value(), UTF_8));
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    Pipeline pipeline =
        Pipeline.from(Sources.at(kinesis, stream, true).startingPosition(position).build())
            .to(sink)
            .name("positions")
            .checkpointDirectory(dir.resolve("checkpoints-" + System.nanoTime()))
            .restartPolicy(RestartPolicy.none())
            .metrics(metrics)
            .build();
    pipeline.start();
    try {
      if (afterStart != null) {
        // the shards have their iterators once each made a GetRecords call
        Await.until(
            Duration.ofSeconds(30),
            () ->
                metrics.find(KinesisMetricNames.GET_RECORDS_CALLS).counters().size() == 2
                    && metrics.find(KinesisMetricNames.GET_RECORDS_CALLS).counters().stream()
                        .allMatch(c -> c.count() >= 1),
            () -> "shards not polled yet");
        afterStart.run();
      }
      Await.until(
          Duration.ofSeconds(30), () -> sink.size() >= expected, () -> sink.records().toString());
      Thread.sleep(1_500); // nothing more may come: give it the time to show up
    } finally {
      pipeline.stop();
    }
    return sink.records();
  }

  private static String newStream(LocalKinesis kinesis) {
    String name = "positions-" + STREAMS.incrementAndGet();
    kinesis.createStream(name, 2);
    return name;
  }

  private static List<PutRecordResponse> put(
      LocalKinesis kinesis, String stream, String... values) {
    List<PutRecordResponse> responses = new ArrayList<>();
    for (String value : values) {
      responses.add(
          kinesis
              .client()
              .putRecord(
                  b ->
                      b.streamName(stream)
                          .partitionKey("same")
                          .data(SdkBytes.fromUtf8String(value))));
    }
    return responses;
  }
}
