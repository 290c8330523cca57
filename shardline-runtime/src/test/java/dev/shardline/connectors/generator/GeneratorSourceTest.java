package dev.shardline.connectors.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.config.Configuration;
import dev.shardline.time.ManualTime;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GeneratorSourceTest {
  private final ManualTime time = new ManualTime();

  @Test
  void recordsAreAFunctionOfTheirSequenceNumberOnly() throws Exception {
    GeneratorSource<String> source = GeneratorSource.jsonEvents(4, 10).count(6).build();

    List<String> first = readAll(source, List.of(new GeneratorSplit(0, 1, 0)));
    List<String> second = readAll(source, List.of(new GeneratorSplit(0, 1, 0)));

    assertThat(first).isEqualTo(second);
    assertThat(first.get(5)).isEqualTo("{\"seq\":5,\"key\":\"key-1\",\"payload\":\"fghijklmno\"}");
    assertThat(first.get(0)).isEqualTo("{\"seq\":0,\"key\":\"key-0\",\"payload\":\"abcdefghij\"}");
  }

  @Test
  void splitsPartitionTheSequenceSpace() throws Exception {
    GeneratorSource<Long> source = GeneratorSource.sequence().count(1_000).build();
    List<GeneratorSplit> splits = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      splits.add(new GeneratorSplit(i, 7, 0));
    }

    List<Long> all = readAll(source, splits);

    assertThat(all)
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, 1_000).boxed().toList());
  }

  @Test
  void aRestoredSplitResumesRightAfterTheLastEmittedNumber() throws Exception {
    GeneratorSource<Long> source = GeneratorSource.sequence().count(100).batchSize(10).build();
    SourceReader<Long, GeneratorSplit> reader = source.createReader(new ReaderContext(time));
    reader.addSplits(List.of(new GeneratorSplit(1, 3, 0)));
    reader.notifyNoMoreSplits();
    List<Long> before = new ArrayList<>();
    reader.pollNext(before::add);
    List<GeneratorSplit> snapshot = reader.snapshotState(1);

    // restore into a new reader
    byte[] bytes = source.splitSerializer().serialize(snapshot.get(0));
    GeneratorSplit restored = source.splitSerializer().deserialize(1, bytes);
    List<Long> after = readAll(source, List.of(restored));

    assertThat(before).containsExactly(1L, 4L, 7L, 10L, 13L, 16L, 19L, 22L, 25L, 28L);
    assertThat(restored).isEqualTo(new GeneratorSplit(1, 3, 10));
    assertThat(after).first().isEqualTo(31L);
    assertThat(after).last().isEqualTo(97L);
    assertThat(after).hasSize(23);
  }

  @Test
  void theRateIsPacedWithTheInjectedClock() throws Exception {
    // 100 records/s over 2 splits, this reader owns both: 100/s
    GeneratorSource<Long> source = GeneratorSource.sequence().ratePerSecond(100).build();
    SourceReader<Long, GeneratorSplit> reader = source.createReader(new ReaderContext(time));
    reader.addSplits(List.of(new GeneratorSplit(0, 2, 0), new GeneratorSplit(1, 2, 0)));
    List<Long> out = new ArrayList<>();

    assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
    time.advance(Duration.ofMillis(105));
    while (reader.pollNext(out::add) == InputStatus.MORE_AVAILABLE) {}
    assertThat(out).hasSize(10);
    for (int step = 0; step < 100; step++) {
      time.advance(Duration.ofMillis(10));
      while (reader.pollNext(out::add) == InputStatus.MORE_AVAILABLE) {}
    }
    assertThat(out).hasSize(110);
    reader.close();
  }

  @Test
  void whenTheRateAllowsNothingYetTheReaderSaysSoAndWaitsForATimerNotInPollNext() throws Exception {
    // one record per 100 s: the timer's wait (real time) is far longer than any machine's pause
    GeneratorSource<Long> source = GeneratorSource.sequence().ratePerSecond(0.01).build();
    SourceReader<Long, GeneratorSplit> reader = source.createReader(new ReaderContext(time));
    reader.addSplits(List.of(new GeneratorSplit(0, 1, 0)));
    List<Long> out = new ArrayList<>();

    assertThat(reader.pollNext(out::add)).isEqualTo(InputStatus.NOTHING_AVAILABLE);

    assertThat(out).isEmpty();
    assertThat(reader.isAvailable()).isNotDone();
    reader.close();
  }

  @Test
  void aReaderThatFellBehindCatchesUpBy100MillisecondsWorthNotByABurstOfAllItMissed()
      throws Exception {
    // regression: the pacing credit was uncapped, so after a stall the reader emitted every record
    // it had missed at once, far more than ratePerSecond
    GeneratorSource<Long> source = GeneratorSource.sequence().ratePerSecond(1_000).build();
    SourceReader<Long, GeneratorSplit> reader = source.createReader(new ReaderContext(time));
    reader.addSplits(List.of(new GeneratorSplit(0, 1, 0)));
    List<Long> out = new ArrayList<>();
    time.advance(Duration.ofMillis(50));
    drain(reader, out);
    assertThat(out).hasSize(50);

    // When the reader is not polled for 5 s (a stall, a slow sink)
    time.advance(Duration.ofSeconds(5));
    drain(reader, out);

    // Then it catches up by 100 ms worth, not 5 s worth
    assertThat(out).hasSize(150);
    // and goes on at the rate from there
    for (int step = 0; step < 100; step++) {
      time.advance(Duration.ofMillis(10));
      drain(reader, out);
    }
    assertThat(out).hasSize(1_150);
    reader.close();
  }

  @Test
  void neitherTheRateNorTheCountIsPartOfTheIdentity() {
    // so a checkpoint written at one rate or count restores at another
    assertThat(GeneratorSource.sequence().count(10).ratePerSecond(5).build().identity())
        .isEqualTo(GeneratorSource.sequence().build().identity())
        .isEqualTo("generator:sequence");
  }

  private static <T> void drain(SourceReader<T, GeneratorSplit> reader, List<T> out)
      throws Exception {
    while (reader.pollNext(out::add) == InputStatus.MORE_AVAILABLE) {}
  }

  @Test
  void theEnumeratorAssignsSplitIToReaderIModuloParallelismAndRescalesThroughAddSplitsBack()
      throws Exception {
    GeneratorSource<Long> source = GeneratorSource.sequence().count(100).splits(5).build();
    EnumeratorContext two = new EnumeratorContext(2);
    SplitEnumerator<GeneratorSplit, GeneratorEnumeratorState> enumerator =
        source.createEnumerator(two);
    enumerator.start();
    enumerator.addReader(0);
    GeneratorEnumeratorState midway = enumerator.snapshotState(1);
    enumerator.addReader(1);

    assertThat(two.assigned.get(0)).extracting(GeneratorSplit::index).containsExactly(0, 2, 4);
    assertThat(two.assigned.get(1)).extracting(GeneratorSplit::index).containsExactly(1, 3);
    assertThat(two.noMoreSplits).containsExactly(0, 1);
    assertThat(midway.unassigned()).extracting(GeneratorSplit::index).containsExactly(1, 3);
    assertThat(enumerator.snapshotState(2).unassigned()).isEmpty();

    // restored at parallelism 3 with every split handed back, as the runner does
    EnumeratorContext three = new EnumeratorContext(3);
    SplitEnumerator<GeneratorSplit, GeneratorEnumeratorState> restored =
        source.restoreEnumerator(three, enumerator.snapshotState(3));
    restored.start();
    restored.addSplitsBack(two.assigned.get(0), 0);
    restored.addSplitsBack(two.assigned.get(1), 1);
    for (int reader = 0; reader < 3; reader++) {
      three.registered.add(reader);
      restored.addReader(reader);
    }

    assertThat(three.assigned.get(0)).extracting(GeneratorSplit::index).containsExactly(0, 3);
    assertThat(three.assigned.get(1)).extracting(GeneratorSplit::index).containsExactly(1, 4);
    assertThat(three.assigned.get(2)).extracting(GeneratorSplit::index).containsExactly(2);
  }

  @Test
  void aSourceFromConfigurationEmitsWhatTheBuiltOneEmits() throws Exception {
    GeneratorSource<Long> built = GeneratorSource.sequence().count(50).batchSize(3).build();
    GeneratorSource<?> configured =
        GeneratorSource.fromConfiguration(
            Configuration.fromMap(Map.of("kind", "sequence", "count", "50", "batchSize", 3)));
    List<GeneratorSplit> splits = List.of(new GeneratorSplit(0, 2, 0), new GeneratorSplit(1, 2, 0));

    assertThat(readAll(configured, splits)).isEqualTo(readAll(built, splits)).hasSize(50);
    assertThat(configured.identity()).isEqualTo(built.identity());
  }

  @Test
  void version1StateBytesStayReadable() throws Exception {
    // pinned bytes of version 1; never regenerated
    byte[] split = HexFormat.of().parseHex("00000002000000050000000000000007");
    byte[] state = HexFormat.of().parseHex("000000050000000100000003000000000000000b");

    assertThat(GeneratorSplitSerializer.INSTANCE.deserialize(1, split))
        .isEqualTo(new GeneratorSplit(2, 5, 7));
    assertThat(GeneratorEnumeratorStateSerializer.INSTANCE.deserialize(1, state))
        .isEqualTo(new GeneratorEnumeratorState(5, List.of(new GeneratorSplit(3, 5, 11))));
    assertThat(GeneratorSplitSerializer.INSTANCE.serialize(new GeneratorSplit(2, 5, 7)))
        .isEqualTo(split);
  }

  private <T> List<T> readAll(GeneratorSource<T> source, List<GeneratorSplit> splits)
      throws Exception {
    SourceReader<T, GeneratorSplit> reader = source.createReader(new ReaderContext(time));
    reader.addSplits(splits);
    reader.notifyNoMoreSplits();
    List<T> out = new ArrayList<>();
    ReaderOutput<T> output = out::add;
    while (reader.pollNext(output) != InputStatus.END_OF_INPUT) {}
    return out;
  }

  private record ReaderContext(Time time) implements SourceReaderContext {
    @Override
    public int readerIndex() {
      return 0;
    }

    @Override
    public int parallelism() {
      return 1;
    }

    @Override
    public void sendEventToEnumerator(SourceEvent event) {}

    @Override
    public DeadLetterOutput deadLetters() {
      return null;
    }

    @Override
    public MeterRegistry metrics() {
      return new SimpleMeterRegistry();
    }
  }

  private static final class EnumeratorContext implements SplitEnumeratorContext<GeneratorSplit> {
    final int parallelism;
    final Map<Integer, List<GeneratorSplit>> assigned = new HashMap<>();
    final Set<Integer> noMoreSplits = new TreeSet<>();
    final Set<Integer> registered = new TreeSet<>();

    EnumeratorContext(int parallelism) {
      this.parallelism = parallelism;
    }

    @Override
    public int parallelism() {
      return parallelism;
    }

    @Override
    public Set<Integer> registeredReaders() {
      return registered;
    }

    @Override
    public void assignSplits(Map<Integer, List<GeneratorSplit>> assignment) {
      assignment.forEach(
          (reader, splits) ->
              assigned.computeIfAbsent(reader, r -> new ArrayList<>()).addAll(splits));
    }

    @Override
    public void signalNoMoreSplits(int readerId) {
      noMoreSplits.add(readerId);
    }

    @Override
    public void sendEventToReader(int readerId, SourceEvent event) {}

    @Override
    public <R> void callAsync(
        Callable<R> callable,
        BiConsumer<R, Throwable> handler,
        Duration initialDelay,
        Duration period) {}

    @Override
    public MeterRegistry metrics() {
      return new SimpleMeterRegistry();
    }

    @Override
    public Time time() {
      return Time.SYSTEM;
    }
  }
}
