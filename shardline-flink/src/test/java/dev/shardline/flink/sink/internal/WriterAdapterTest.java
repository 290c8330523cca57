package dev.shardline.flink.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.SinkWriter;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.junit.jupiter.api.Test;

class WriterAdapterTest {
  /**
   * Flink's SinkWriterOperator calls prepareCommit at every checkpoint on any writer that is a
   * CommittingSinkWriter, as the adapter always is, with or without a committer: a job with a plain
   * sink (Kinesis, stdout) failed its first checkpoint with a ClassCastException.
   */
  @Test
  void aPlainSinksWriterHasNoCommittablesAtACheckpoint() throws Exception {
    SinkWriter<String> plain =
        new SinkWriter<>() {
          @Override
          public void write(String record) {}

          @Override
          public void flush() {}
        };
    WriterAdapter<String, Object, Object> adapter = new WriterAdapter<>(plain, null, null, null);

    assertThat(adapter).isInstanceOf(CommittingSinkWriter.class);
    assertThat(adapter.prepareCommit()).isEmpty();
  }
}
