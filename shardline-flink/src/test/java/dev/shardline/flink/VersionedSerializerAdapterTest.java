package dev.shardline.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.connectors.generator.GeneratorSplit;
import dev.shardline.flink.source.internal.FlinkSplit;
import dev.shardline.state.VersionedSerializer;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;

/** A split's state on Flink is the connector serializer's own version and bytes. */
class VersionedSerializerAdapterTest {

  @Test
  void aSplitIsTheSameBytesAndVersionOnFlinkAsOnTheEmbeddedRunner() throws Exception {
    GeneratorSource<Long> generator = GeneratorSource.sequence().splits(3).build();
    FlinkSource<Long, ?, ?> source = FlinkSource.of(generator);
    roundTripsWithTheSameBytes(generator.splitSerializer(), source.getSplitSerializer());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void roundTripsWithTheSameBytes(
      VersionedSerializer ours, SimpleVersionedSerializer flinks) throws Exception {
    GeneratorSource<Long> generator = GeneratorSource.sequence().splits(3).build();
    List<?> splits = splitsOf(generator);
    assertThat(splits).isNotEmpty();
    for (Object split : splits) {
      byte[] embedded = ours.serialize(split);
      byte[] onFlink = flinks.serialize(new FlinkSplit((dev.shardline.api.SourceSplit) split));
      assertThat(flinks.getVersion()).isEqualTo(ours.version());
      assertThat(onFlink).isEqualTo(embedded);
      Object back = flinks.deserialize(ours.version(), embedded);
      assertThat(((FlinkSplit<?>) back).split()).isEqualTo(split);
      // and through Flink's own versioned framing, as in a Flink checkpoint
      byte[] framed = SimpleVersionedSerialization.writeVersionAndSerialize(flinks, back);
      Object again = SimpleVersionedSerialization.readVersionAndDeSerialize(flinks, framed);
      assertThat(((FlinkSplit<?>) again).split()).isEqualTo(split);
    }
  }

  private static List<?> splitsOf(GeneratorSource<Long> generator) {
    return List.of(new GeneratorSplit(0, 3, 7), new GeneratorSplit(2, 3, 0));
  }
}
