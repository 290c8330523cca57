package dev.shardline.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.testkit.logging.StandardError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCheckpointStoreTest {
  @TempDir Path dir;

  @Test
  void aStoredCheckpointIsTheLatestAndLeavesNoTempFile() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThat(store.latest()).isEmpty();

      long size = store.store(CheckpointFixtures.sample(1));

      assertThat(store.latest()).contains(CheckpointFixtures.sample(1));
      assertThat(size).isEqualTo(Files.size(dir.resolve("checkpoint-00000000000000000001.ckpt")));
      assertThat(names())
          .containsExactlyInAnyOrder(".lock", "checkpoint-00000000000000000001.ckpt");
    }
  }

  @Test
  void onlyTheLastNCheckpointsAreKept() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      for (long id = 1; id <= 5; id++) {
        store.store(CheckpointFixtures.sample(id));
      }

      assertThat(store.files())
          .extracting(p -> p.getFileName().toString())
          .containsExactly(
              "checkpoint-00000000000000000003.ckpt",
              "checkpoint-00000000000000000004.ckpt",
              "checkpoint-00000000000000000005.ckpt");
      assertThat(store.latest().orElseThrow().id()).isEqualTo(5);
    }
  }

  @Test
  void aCorruptNewestCheckpointFallsBackToThePreviousOneWithAWarningNamingTheFile()
      throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      store.store(CheckpointFixtures.sample(1));
      store.store(CheckpointFixtures.sample(2));
      Path newest = flipAByte(dir.resolve("checkpoint-00000000000000000002.ckpt"));

      String log =
          StandardError.during(() -> assertThat(store.latest().orElseThrow().id()).isEqualTo(1));

      assertThat(log)
          .contains("WARN")
          .contains(newest.toString())
          .contains("checksum mismatch")
          .contains("falling back to the previous checkpoint");
      assertThat(store.skipped())
          .singleElement()
          .extracting(CorruptCheckpointException::file)
          .isEqualTo(newest);
      // kept for inspection, never read again
      assertThat(names()).contains("checkpoint-00000000000000000002.ckpt.corrupt");
      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
      assertThat(store.skipped()).isEmpty();
    }
  }

  @Test
  void theHighestIdUsedCountsCorruptAndHalfWrittenCheckpointsSoNoIdIsUsedTwice() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThat(store.highestIdUsed()).isZero();
      store.store(CheckpointFixtures.sample(1));
      store.store(CheckpointFixtures.sample(2));
      Path newest = flipAByte(dir.resolve("checkpoint-00000000000000000002.ckpt"));
      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
      assertThat(store.highestIdUsed()).as("with checkpoint 2 set aside as corrupt").isEqualTo(2);
    }
    // a checkpoint that was being written when the process died
    Files.write(dir.resolve(".checkpoint-00000000000000000007.ckpt.tmp"), new byte[] {1, 2});
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThat(names()).doesNotContain(".checkpoint-00000000000000000007.ckpt.tmp");
      assertThat(store.highestIdUsed()).isEqualTo(7);
      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
    }
  }

  @Test
  void aCheckpointDirectoryThatIsAFileIsRefusedNamingTheOptionAndTheFix() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> DirectoryCheckpointStore.open(file, 3))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessage(
            "Cannot use "
                + file
                + " as the checkpoint directory (option checkpoint.directory): "
                + file
                + " is a file, not a directory; move the file away or point checkpoint.directory"
                + " at a directory.");
    Path below = file.resolve("below");
    assertThatThrownBy(() -> DirectoryCheckpointStore.open(below, 3))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("Cannot use " + below + " as the checkpoint directory")
        .hasMessageContaining(file + " is a file, not a directory; move the file away");
  }

  @Test
  void aTruncatedNewestCheckpointFallsBack() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      store.store(CheckpointFixtures.sample(1));
      store.store(CheckpointFixtures.sample(2));
      Path newest = dir.resolve("checkpoint-00000000000000000002.ckpt");
      byte[] bytes = Files.readAllBytes(newest);
      Files.write(newest, Arrays.copyOf(bytes, bytes.length - 9));

      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
      assertThat(store.skipped())
          .singleElement()
          .satisfies(e -> assertThat(e.getMessage()).contains(newest.toString()));
    }
  }

  @Test
  void whenEveryCheckpointIsCorruptTheStoreRefusesToStartOverSilently() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      store.store(CheckpointFixtures.sample(1));
      Files.write(dir.resolve("checkpoint-00000000000000000001.ckpt"), new byte[] {1, 2, 3});

      assertThatThrownBy(store::latest)
          .isInstanceOf(ShardlineException.class)
          .hasMessageContaining("No readable checkpoint in " + dir.toAbsolutePath())
          .hasMessageContaining("delete the directory");
    }
  }

  @Test
  void whenEveryCheckpointIsCorruptEveryLaterStartIsRefusedToo() throws Exception {
    // regression: latest() renamed every corrupt file to *.corrupt before refusing, so the next
    // start found no checkpoint at all and silently started over from the initial position
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      store.store(CheckpointFixtures.sample(1));
      store.store(CheckpointFixtures.sample(2));
    }
    Files.write(dir.resolve("checkpoint-00000000000000000001.ckpt"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("checkpoint-00000000000000000002.ckpt"), new byte[] {4, 5, 6});

    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThatThrownBy(store::latest)
          .hasMessageContaining("all 2 checkpoint file(s) are corrupt");
      assertThatThrownBy(store::latest)
          .hasMessageContaining("all 2 checkpoint file(s) are corrupt");
    }
    try (DirectoryCheckpointStore reopened = DirectoryCheckpointStore.open(dir, 3)) {
      assertThatThrownBy(reopened::latest)
          .isInstanceOf(ShardlineException.class)
          .hasMessageContaining("all 2 checkpoint file(s) are corrupt");
    }
    // nothing was renamed: there was nothing to fall back to
    assertThat(names())
        .containsExactlyInAnyOrder(
            ".lock",
            "checkpoint-00000000000000000001.ckpt",
            "checkpoint-00000000000000000002.ckpt");
  }

  @Test
  void aDirectoryLeftWithOnlyCorruptFilesSetAsideIsRefused() throws Exception {
    // e.g. what the bug above left behind, or readable checkpoints deleted by hand
    Files.write(dir.resolve("checkpoint-00000000000000000004.ckpt.corrupt"), new byte[] {1});

    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThatThrownBy(store::latest)
          .isInstanceOf(ShardlineException.class)
          .hasMessageContaining("No readable checkpoint in " + dir.toAbsolutePath())
          .hasMessageContaining("checkpoint-00000000000000000004.ckpt.corrupt")
          .hasMessageContaining("delete the directory");
    }
  }

  @Test
  void corruptFilesAreSetAsideOnlyOnceAReadableOlderCheckpointIsFound() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      store.store(CheckpointFixtures.sample(1));
      store.store(CheckpointFixtures.sample(2));
      store.store(CheckpointFixtures.sample(3));
      Files.write(dir.resolve("checkpoint-00000000000000000002.ckpt"), new byte[] {1, 2, 3});
      Files.write(dir.resolve("checkpoint-00000000000000000003.ckpt"), new byte[] {4, 5, 6});

      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);

      assertThat(store.skipped()).hasSize(2);
      assertThat(names())
          .containsExactlyInAnyOrder(
              ".lock",
              "checkpoint-00000000000000000001.ckpt",
              "checkpoint-00000000000000000002.ckpt.corrupt",
              "checkpoint-00000000000000000003.ckpt.corrupt");
      // the files set aside do not stop a later start while a readable checkpoint exists
      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
    }
  }

  @Test
  void aCheckpointInterruptedBeforeItsRenameIsInvisibleAndCleanedUp() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      store.store(CheckpointFixtures.sample(1));
    }
    // a crash after writing the temp file of checkpoint 2, before the rename
    Files.write(dir.resolve(".checkpoint-00000000000000000002.ckpt.tmp"), new byte[] {1, 2});

    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThat(store.latest().orElseThrow().id()).isEqualTo(1);
      assertThat(names()).doesNotContain(".checkpoint-00000000000000000002.ckpt.tmp");
    }
  }

  @Test
  void twoPipelinesCannotShareADirectory() throws Exception {
    try (DirectoryCheckpointStore store = DirectoryCheckpointStore.open(dir, 3)) {
      assertThatThrownBy(() -> DirectoryCheckpointStore.open(dir, 3))
          .isInstanceOf(ShardlineException.class)
          .hasMessageContaining("is in use by another running pipeline");
    }
    // released on close
    DirectoryCheckpointStore.open(dir, 3).close();
  }

  private String[] names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).toArray(String[]::new);
    }
  }

  /** Damages {@code file} in its middle, as a bad disk or a stray write would. */
  private static Path flipAByte(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);
    return file;
  }
}
