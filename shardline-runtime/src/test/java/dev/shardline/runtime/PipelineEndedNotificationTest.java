package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Boundedness;
import dev.shardline.api.Source;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.retry.Backoff;
import dev.shardline.state.VersionedSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SplitEnumerator#notifyPipelineEnded} comes once, after the readers are closed and before
 * the enumerator's close, when the pipeline finishes or is stopped; never before the close of a run
 * that a restart follows, nor when the pipeline fails for good (Kinesis fan-out deregisters its
 * managed stream consumer there, and a restart must keep it).
 */
@Timeout(30)
class PipelineEndedNotificationTest {
  private static final Backoff QUICK =
      new Backoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0);

  @TempDir Path dir;

  @Test
  void theEndOfInputNotifiesTheEnumeratorAfterTheReadersClosedAndBeforeItsClose() {
    LifecycleRecordingSource<Long, ?, ?> source =
        new LifecycleRecordingSource<>(GeneratorSource.sequence().count(1_000).build());

    pipeline(source, false).run();

    assertThat(source.events())
        .containsExactly(
            "enumerator start", "reader close", "reader close", "ended", "enumerator close");
  }

  @Test
  void aGracefulStopNotifiesTheEnumerator() {
    LifecycleRecordingSource<Long, ?, ?> source =
        new LifecycleRecordingSource<>(GeneratorSource.sequence().ratePerSecond(1_000).build());
    Pipeline pipeline = pipeline(source, false);
    pipeline.start();

    pipeline.stop();

    assertThat(source.events())
        .containsExactly(
            "enumerator start", "reader close", "reader close", "ended", "enumerator close");
  }

  @Test
  void aRestartAfterAFailureClosesTheEnumeratorWithoutNotifyingIt() {
    LifecycleRecordingSource<Long, ?, ?> source =
        new LifecycleRecordingSource<>(GeneratorSource.sequence().count(1_000).build());

    pipeline(source, true).run();

    // the failed attempt: closed with no notification; the restarted one ends for good
    assertThat(source.events())
        .containsSubsequence("enumerator start", "enumerator close", "enumerator start")
        .containsOnlyOnce("ended")
        .endsWith("ended", "enumerator close");
    assertThat(source.events().subList(0, source.events().indexOf("enumerator close")))
        .doesNotContain("ended");
  }

  @Test
  void aPipelineThatFailsForGoodDoesNotNotifyTheEnumerator() {
    LifecycleRecordingSource<Long, ?, ?> source =
        new LifecycleRecordingSource<>(GeneratorSource.sequence().count(1_000).build());
    Pipeline pipeline =
        Pipeline.from(source)
            .map(
                n -> {
                  throw new IllegalStateException("poison record " + n);
                })
            .to(new CollectingSink<>())
            .checkpointDirectory(dir)
            .restartPolicy(RestartPolicy.of(1, QUICK))
            .build();

    assertThatThrownBy(pipeline::run).isInstanceOf(PipelineFailedException.class);

    assertThat(source.events()).contains("enumerator close").doesNotContain("ended");
  }

  private Pipeline pipeline(LifecycleRecordingSource<Long, ?, ?> source, boolean failOnce) {
    AtomicBoolean failed = new AtomicBoolean(!failOnce);
    return Pipeline.from(source)
        .map(
            n -> {
              if (n == 500 && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("transient");
              }
              return n;
            })
        .to(new CollectingSink<>())
        .parallelism(2)
        .checkpointInterval(Duration.ofMillis(50))
        .checkpointDirectory(dir.resolve("checkpoints"))
        .restartPolicy(RestartPolicy.of(1, QUICK))
        .build();
  }

  /** A source around another that records its enumerator's lifecycle and its readers' closes. */
  private static final class LifecycleRecordingSource<T, S extends SourceSplit, E>
      implements Source<T, S, E> {
    private final Source<T, S, E> delegate;
    private final List<String> events = new CopyOnWriteArrayList<>();

    LifecycleRecordingSource(Source<T, S, E> delegate) {
      this.delegate = delegate;
    }

    List<String> events() {
      return List.copyOf(events);
    }

    @Override
    public String identity() {
      return delegate.identity();
    }

    @Override
    public Boundedness boundedness() {
      return delegate.boundedness();
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) {
      return new Enumerator(delegate.createEnumerator(context));
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(
        SplitEnumeratorContext<S> context, E checkpoint) {
      return new Enumerator(delegate.restoreEnumerator(context, checkpoint));
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) {
      return new ForwardingSourceReader<>(delegate.createReader(context)) {
        @Override
        public void close() throws Exception {
          events.add("reader close");
          inner.close();
        }
      };
    }

    @Override
    public VersionedSerializer<S> splitSerializer() {
      return delegate.splitSerializer();
    }

    @Override
    public VersionedSerializer<E> enumeratorStateSerializer() {
      return delegate.enumeratorStateSerializer();
    }

    private final class Enumerator extends ForwardingSplitEnumerator<S, E> {
      Enumerator(SplitEnumerator<S, E> inner) {
        super(inner);
      }

      @Override
      public void start() {
        events.add("enumerator start");
        inner.start();
      }

      @Override
      public void notifyPipelineEnded() throws Exception {
        events.add("ended");
        inner.notifyPipelineEnded();
      }

      @Override
      public void close() throws Exception {
        events.add("enumerator close");
        inner.close();
      }
    }
  }
}
