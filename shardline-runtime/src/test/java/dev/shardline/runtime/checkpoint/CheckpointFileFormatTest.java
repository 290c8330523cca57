package dev.shardline.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.ShardlineException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class CheckpointFileFormatTest {
  private static final Path FILE = Path.of("checkpoint-00000000000000000007.ckpt");

  @Test
  void version1FilesStayReadable() throws Exception {
    // checkpoint-v1.ckpt was written by the v1 writer and is never regenerated: it pins the format
    byte[] v1;
    try (InputStream in = getClass().getResourceAsStream("/checkpoint-v1.ckpt")) {
      v1 = in.readAllBytes();
    }

    Checkpoint checkpoint = CheckpointFileFormat.decode(v1, FILE);

    assertThat(checkpoint).isEqualTo(CheckpointFixtures.sample(7));
    assertThat(checkpoint.readerSplits().get(0).get(1).version()).isEqualTo(2);
    assertThat(checkpoint.sinks().get("sink-0").allCommittables()).hasSize(3);
  }

  @Test
  void theCurrentWriterWritesVersion1() throws Exception {
    byte[] v1;
    try (InputStream in = getClass().getResourceAsStream("/checkpoint-v1.ckpt")) {
      v1 = in.readAllBytes();
    }
    assertThat(CheckpointFileFormat.CURRENT_VERSION).isEqualTo(1);
    assertThat(CheckpointFileFormat.encode(CheckpointFixtures.sample(7))).isEqualTo(v1);
  }

  @Test
  void aFlippedBitFailsTheChecksum() {
    byte[] bytes = CheckpointFileFormat.encode(CheckpointFixtures.sample(7));
    bytes[40] ^= 0x10;

    assertThatThrownBy(() -> CheckpointFileFormat.decode(bytes, FILE))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void aTruncatedFileIsCorrupt() {
    byte[] bytes = CheckpointFileFormat.encode(CheckpointFixtures.sample(7));

    for (int length : new int[] {0, 5, 11, bytes.length / 2, bytes.length - 1}) {
      assertThatThrownBy(
              () -> CheckpointFileFormat.decode(Arrays.copyOf(bytes, length), FILE),
              "length %d",
              length)
          .isInstanceOf(CorruptCheckpointException.class);
    }
  }

  @Test
  void aFileOfAnotherKindIsCorrupt() {
    assertThatThrownBy(
            () -> CheckpointFileFormat.decode("{\"not\":\"a checkpoint\"}".getBytes(), FILE))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("not a checkpoint file");
  }

  @Test
  void aNewerFormatVersionIsRefusedNotSkipped() {
    byte[] bytes = CheckpointFileFormat.encode(CheckpointFixtures.sample(7));
    ByteBuffer.wrap(bytes).putInt(4, 2);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());

    assertThatThrownBy(() -> CheckpointFileFormat.decode(bytes, FILE))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("format version 2")
        .hasMessageContaining("written by a newer Shardline");
  }
}
