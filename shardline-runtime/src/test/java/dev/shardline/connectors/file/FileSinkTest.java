package dev.shardline.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.Committer;
import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.SinkContext;
import dev.shardline.testsupport.StandaloneSinkContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
  @TempDir Path dir;

  @Test
  void partsBecomeVisibleOnlyWhenCommittedAndCommittingTwiceIsANoOp() throws Exception {
    FileSink<Object> sink = FileSink.jsonLines(dir).build();
    CommittingSinkWriter<Object, FilePart> writer = sink.createWriter(context(0, 1, null));
    writer.write(Map.of("n", 1));
    writer.write("two");
    writer.flush();

    Collection<FilePart> parts = writer.prepareCommit();

    assertThat(parts)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.finalName()).isEqualTo("part-orders-00000-00000000000000000001.jsonl");
              assertThat(p.inProgressName())
                  .isEqualTo(".part-orders-00000-00000000000000000001.jsonl.inprogress");
            });
    assertThat(names()).containsExactly(".part-orders-00000-00000000000000000001.jsonl.inprogress");

    Committer<FilePart> committer = sink.createCommitter(context(0, 1, null));
    committer.commit(parts);
    committer.commit(parts);

    assertThat(names()).containsExactly("part-orders-00000-00000000000000000001.jsonl");
    assertThat(Files.readAllLines(dir.resolve("part-orders-00000-00000000000000000001.jsonl")))
        .containsExactly("{\"n\":1}", "\"two\"");
  }

  @Test
  void aNewPartsDirectoryEntryIsFsyncedBeforePrepareCommitHandsItOver() throws Exception {
    // regression: the part's bytes were fsynced but not its directory entry, so after a power
    // loss the checkpoint could name a part that no longer existed and every restore failed
    List<List<String>> synced = new ArrayList<>();
    FileSink<Object> sink =
        FileSink.lines(dir)
            .build()
            .withDirectorySync(
                directory -> {
                  assertThat(directory).isEqualTo(dir.toAbsolutePath().normalize());
                  synced.add(names());
                });
    CommittingSinkWriter<Object, FilePart> writer = sink.createWriter(context(0, 1, null));
    writer.write("a");
    writer.flush();
    assertThat(synced).isEmpty();

    Collection<FilePart> parts = writer.prepareCommit();

    assertThat(synced)
        .containsExactly(List.of(".part-orders-00000-00000000000000000001.txt.inprogress"));
    assertThat(writer.prepareCommit()).isEmpty(); // no new file, no sync
    assertThat(synced).hasSize(1);

    sink.createCommitter(context(0, 1, null)).commit(parts);

    assertThat(synced).last().isEqualTo(List.of("part-orders-00000-00000000000000000001.txt"));
  }

  @Test
  void eachCheckpointGetsItsOwnPartAndACheckpointWithoutRecordsNone() throws Exception {
    FileSink<Object> sink = FileSink.lines(dir).build();
    // restored from checkpoint 41: the next checkpoint is 42
    CommittingSinkWriter<Object, FilePart> writer = sink.createWriter(context(3, 4, 41L));
    writer.write("a");
    List<FilePart> parts = new ArrayList<>(writer.prepareCommit()); // checkpoint 42
    assertThat(writer.prepareCommit()).isEmpty(); // 43: nothing written
    writer.write("b");
    parts.addAll(writer.prepareCommit()); // 44

    assertThat(parts)
        .extracting(FilePart::finalName)
        .containsExactly(
            "part-orders-00003-00000000000000000042.txt",
            "part-orders-00003-00000000000000000044.txt");
  }

  @Test
  void aNewWriterDeletesThePartsACrashLeftUncommittedButNotOthers() throws Exception {
    FileSink<Object> sink = FileSink.lines(dir).build();
    // a crash: writer 0 and 2 of parallelism 4 had in-progress parts; another pipeline too
    for (int writer : new int[] {0, 2}) {
      CommittingSinkWriter<Object, FilePart> crashed = sink.createWriter(context(writer, 4, 7L));
      crashed.write("lost " + writer);
      crashed.flush();
      crashed.close();
    }
    Files.writeString(dir.resolve(".part-other-00000-00000000000000000008.txt.inprogress"), "x");
    Files.writeString(dir.resolve("part-orders-00000-00000000000000000007.txt"), "committed\n");

    // restored at parallelism 2: writer 0 owns old writers 0 and 2
    sink.createWriter(context(1, 2, 7L)).close();
    assertThat(names()).hasSize(4);
    sink.createWriter(context(0, 2, 7L)).close();

    assertThat(names())
        .containsExactlyInAnyOrder(
            ".part-other-00000-00000000000000000008.txt.inprogress",
            "part-orders-00000-00000000000000000007.txt");
  }

  @Test
  void partNamesHoldTheSinkIdSoTwoSinksOfOnePipelineNeverShareAFile() throws Exception {
    // regression: two file sinks of one pipeline writing one directory (or a file sink that is
    // also the dead-letter sink) used the same part names, interleaving and overwriting each other
    FileSink<Object> sink = FileSink.lines(dir).build();
    CommittingSinkWriter<Object, FilePart> first = sink.createWriter(context(0, 1, null, "sink-0"));
    CommittingSinkWriter<Object, FilePart> second =
        sink.createWriter(context(0, 1, null, "sink-1"));
    first.write("from sink-0");
    second.write("from sink-1");
    List<FilePart> parts = new ArrayList<>(first.prepareCommit());
    parts.addAll(second.prepareCommit());

    sink.createCommitter(context(0, 1, null, "sink-0")).commit(parts);

    assertThat(names())
        .containsExactly(
            "part-orders@sink-0-00000-00000000000000000001.txt",
            "part-orders@sink-1-00000-00000000000000000001.txt");
    assertThat(Files.readAllLines(dir.resolve("part-orders@sink-1-00000-00000000000000000001.txt")))
        .containsExactly("from sink-1");
  }

  @Test
  void partsNamedBeforeSinkIdsStayRestorable() throws Exception {
    // Given a crash of a pipeline whose parts had no sink id in their names: checkpoint 7 holds a
    // committable of writer 0; checkpoint 8 never completed
    FileSink<Object> sink = FileSink.lines(dir).build();
    CommittingSinkWriter<Object, FilePart> old = sink.createWriter(context(0, 1, 6L));
    old.write("committed by the restore");
    Collection<FilePart> restored = old.prepareCommit();
    old.write("never committed");
    old.flush();
    old.close();
    // and an in-progress part of this pipeline's other file sink in the same directory
    Files.writeString(
        dir.resolve(".part-orders@sink-1-00000-00000000000000000008.txt.inprogress"), "x\n");

    // When the pipeline restores checkpoint 7 with sink ids: committables first, then writers
    sink.createCommitter(context(0, 1, 7L, "sink-0")).commit(restored);
    sink.createWriter(context(0, 1, 7L, "sink-0")).close();

    // Then the old-name part is committed, the old-name part of checkpoint 8 deleted, and the
    // other sink's part left alone
    assertThat(names())
        .containsExactly(
            ".part-orders@sink-1-00000-00000000000000000008.txt.inprogress",
            "part-orders-00000-00000000000000000007.txt");
  }

  @Test
  void noPipelinesCleanupTakesThePartsOfAPipelineWhoseNameItPrefixes() throws Exception {
    // pipeline "orders-sink-0" writes to the directory that sink-0 of pipeline "orders" writes to
    FileSink<Object> sink = FileSink.lines(dir).build();
    CommittingSinkWriter<Object, FilePart> orders =
        sink.createWriter(context("orders", 0, 1, null, "sink-0"));
    orders.write("in progress");
    orders.flush();

    sink.createWriter(context("orders-sink-0", 0, 1, null, "sink-0")).close();

    assertThat(names())
        .containsExactly(".part-orders@sink-0-00000-00000000000000000001.txt.inprogress");
  }

  @Test
  void aPartWhoseFinalNameIsTakenIsRefusedLoudly() throws Exception {
    FileSink<Object> sink = FileSink.lines(dir).build();
    CommittingSinkWriter<Object, FilePart> writer = sink.createWriter(context(0, 1, null));
    writer.write("new");
    Collection<FilePart> parts = writer.prepareCommit();
    Files.writeString(dir.resolve("part-orders-00000-00000000000000000001.txt"), "old\n");

    assertThatThrownBy(() -> sink.createCommitter(context(0, 1, null)).commit(parts))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("exists already")
        .hasMessageContaining("give each pipeline its own name");
  }

  @Test
  void aPartThatVanishedIsReportedAsLost() {
    FileSink<Object> sink = FileSink.lines(dir).build();
    FilePart part = new FilePart(".gone.inprogress", "gone", 3);

    assertThatThrownBy(() -> sink.createCommitter(context(0, 1, null)).commit(List.of(part)))
        .isInstanceOf(ShardlineException.class)
        .hasMessageContaining("neither it nor its in-progress file");
  }

  @Test
  void version1CommittablesStayReadable() throws Exception {
    // pinned bytes of version 1: writeUTF("a.inprogress"), writeUTF("a"), writeLong(5)
    byte[] v1 = HexFormat.of().parseHex("000c612e696e70726f67726573730001610000000000000005");

    assertThat(FilePartSerializer.INSTANCE.deserialize(1, v1))
        .isEqualTo(new FilePart("a.inprogress", "a", 5));
    assertThat(FilePartSerializer.INSTANCE.serialize(new FilePart("a.inprogress", "a", 5)))
        .isEqualTo(v1);
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static SinkContext context(int writer, int parallelism, Long restored) {
    return context(writer, parallelism, restored, null);
  }

  private static SinkContext context(int writer, int parallelism, Long restored, String sinkId) {
    return context("orders", writer, parallelism, restored, sinkId);
  }

  private static SinkContext context(
      String pipeline, int writer, int parallelism, Long restored, String sinkId) {
    return restored == null
        ? StandaloneSinkContext.of(pipeline).withWriter(writer, parallelism).withSinkId(sinkId)
        : StandaloneSinkContext.of(pipeline)
            .withWriter(writer, parallelism)
            .withSinkId(sinkId)
            .withRestoredCheckpoint(restored);
  }
}
