package dev.shardline.kafka.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.kafka.Hex;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class KafkaCommittableSerializerTest {
  private static final KafkaCommittableSerializer SERIALIZER = KafkaCommittableSerializer.INSTANCE;
  // version 1: UTF "p-0-7", long producer id 1000, short epoch 3, boolean TV2, long checkpoint 7
  private static final String V1 = "0005702d302d3700000000000003e80003010000000000000007";
  private static final KafkaCommittable COMMITTABLE =
      new KafkaCommittable("p-0-7", 1000, (short) 3, true, 7);

  @Test
  void version1BytesAreRead() throws IOException {
    assertThat(SERIALIZER.deserialize(1, Hex.bytes(V1))).isEqualTo(COMMITTABLE);
  }

  @Test
  void theCurrentVersionWritesVersion1() throws IOException {
    assertThat(SERIALIZER.version()).isEqualTo(1);
    assertThat(Hex.of(SERIALIZER.serialize(COMMITTABLE))).isEqualTo(V1);
  }

  @Test
  void unknownVersionsAndMalformedBytesAreRefused() {
    assertThatThrownBy(() -> SERIALIZER.deserialize(2, Hex.bytes(V1)))
        .isInstanceOf(IOException.class)
        .hasMessage("Unknown Kafka committable version 2; this Shardline reads version 1");
    assertThatThrownBy(() -> SERIALIZER.deserialize(1, Hex.bytes(V1 + "00")))
        .hasMessage("Kafka committable has 1 trailing bytes");
    assertThatThrownBy(
            () ->
                SERIALIZER.deserialize(
                    1, Hex.bytes("0005702d302d37ffffffffffffffff0003010000000000000007")))
        .hasMessageStartingWith("Malformed Kafka committable: producerId must be 0 or more");
  }
}
