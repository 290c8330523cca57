package dev.shardline.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.StatefulSink;
import dev.shardline.api.StatefulSinkWriter;
import dev.shardline.api.TransactionalSink;
import dev.shardline.state.VersionedSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runner treats a mapped sink exactly as the sink: same kind, same states, converted records.
 */
class MappedSinksTest {
  private final List<String> written = new ArrayList<>();

  private class Writer
      implements StatefulSinkWriter<String, String>, CommittingSinkWriter<String, String> {
    @Override
    public void write(String record) {
      written.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public List<String> snapshotState(long checkpointId) {
      return List.of("state-" + checkpointId);
    }

    @Override
    public Collection<String> prepareCommit() {
      return List.of("committable-" + written.size());
    }
  }

  private class Both implements StatefulSink<String, String>, TransactionalSink<String, String> {
    @Override
    public Writer createWriter(SinkContext context) {
      return new Writer();
    }

    @Override
    public Writer restoreWriter(SinkContext context, List<String> states) {
      return new Writer();
    }

    @Override
    public VersionedSerializer<String> writerStateSerializer() {
      return null;
    }

    @Override
    public Committer<String> createCommitter(SinkContext context) {
      return committables -> {};
    }

    @Override
    public VersionedSerializer<String> committableSerializer() {
      return null;
    }
  }

  @Test
  void aPlainSinkStaysPlainAndGetsConvertedRecords() throws Exception {
    Sink<String> plain = context -> new Writer();

    Sink<Integer> mapped = MappedSinks.map(plain, (Integer i) -> "n" + i);
    SinkWriter<Integer> writer = mapped.createWriter(null);
    writer.write(7);

    assertThat(mapped).isNotInstanceOf(StatefulSink.class).isNotInstanceOf(TransactionalSink.class);
    assertThat(writer)
        .isNotInstanceOf(StatefulSinkWriter.class)
        .isNotInstanceOf(CommittingSinkWriter.class);
    assertThat(written).containsExactly("n7");
  }

  @Test
  void aTransactionalSinkStaysTransactional() throws Exception {
    TransactionalSink<String, String> transactional =
        new TransactionalSink<>() {
          @Override
          public CommittingSinkWriter<String, String> createWriter(SinkContext context) {
            return new Writer();
          }

          @Override
          public Committer<String> createCommitter(SinkContext context) {
            return committables -> {};
          }

          @Override
          public VersionedSerializer<String> committableSerializer() {
            return null;
          }
        };

    Sink<Integer> mapped = MappedSinks.map(transactional, (Integer i) -> "n" + i);
    SinkWriter<Integer> writer = mapped.createWriter(null);
    writer.write(1);

    assertThat(mapped).isInstanceOf(TransactionalSink.class).isNotInstanceOf(StatefulSink.class);
    @SuppressWarnings("unchecked")
    Collection<Object> committables =
        (Collection<Object>) ((CommittingSinkWriter<?, ?>) writer).prepareCommit();
    assertThat(committables).containsExactly("committable-1");
  }

  @Test
  void aSinkThatIsBothStaysBoth() throws Exception {
    Sink<Integer> mapped = MappedSinks.map(new Both(), (Integer i) -> "n" + i);

    assertThat(mapped).isInstanceOf(StatefulSink.class).isInstanceOf(TransactionalSink.class);
    @SuppressWarnings("unchecked")
    StatefulSink<Integer, String> stateful = (StatefulSink<Integer, String>) mapped;
    StatefulSinkWriter<Integer, String> writer = stateful.restoreWriter(null, List.of("s"));
    writer.write(3);

    assertThat(writer).isInstanceOf(CommittingSinkWriter.class);
    assertThat(writer.snapshotState(4)).containsExactly("state-4");
    assertThat(written).containsExactly("n3");
  }
}
