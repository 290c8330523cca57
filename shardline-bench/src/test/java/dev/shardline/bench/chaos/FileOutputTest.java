package dev.shardline.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOutputTest {
  @TempDir Path dir;

  private static DeliveryCheck.Expected keyA(long count) {
    Map<Long, Integer> copies = new HashMap<>();
    for (long c = 0; c < count; c++) {
      copies.put(c, 1);
    }
    return new DeliveryCheck.Expected(Map.of("key-a", copies), Map.of("key-a", count));
  }

  private void part(int writer, long checkpoint, String... lines) throws Exception {
    Files.write(
        dir.resolve(String.format("part-chaos-file@sink-0-%05d-%020d.txt", writer, checkpoint)),
        java.util.List.of(lines));
  }

  @Test
  void readsCheckpointsInOrderAndTheWritersOfOneCheckpointByTheirFirstRecord() throws Exception {
    part(0, 2, "key-a:3:x", "key-a:4:x");
    part(1, 1, "key-a:2:x"); // writer 1 took the key over from writer 0 in checkpoint 1
    part(0, 1, "key-a:0:x", "key-a:1:x");
    part(0, 10, "key-a:5:x"); // checkpoint 10 after 2, not between 1 and 2 as names sort

    assertThat(FileOutput.read(dir).against(keyA(6)).clean()).isTrue();
  }

  @Test
  void aKeyInterleavedAcrossTwoPartsOfOneCheckpointIsOutOfOrder() throws Exception {
    part(0, 1, "key-a:0:x", "key-a:2:x");
    part(1, 1, "key-a:1:x", "key-a:3:x");

    assertThat(FileOutput.read(dir).against(keyA(4)).orderViolations()).isEqualTo(1);
  }

  @Test
  void inProgressPartsAreNotOutput() throws Exception {
    part(0, 1, "key-a:0:x");
    Files.writeString(
        dir.resolve(".part-chaos-file@sink-0-00000-00000000000000000002.txt.inprogress"),
        "key-a:1:x\n");

    DeliveryCheck.Counts counts = FileOutput.read(dir).against(keyA(2));

    assertThat(counts.distinct()).isEqualTo(1);
    assertThat(counts.lost()).isEqualTo(1);
  }
}
