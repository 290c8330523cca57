package dev.shardline.runtime;

import dev.shardline.api.Boundedness;
import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.Source;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import dev.shardline.state.VersionedSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A test source whose enumerator discovers a new split every millisecond (through {@code
 * callAsync}, like shard discovery) and assigns a split only once a checkpoint has seen it pending,
 * so checkpoints catch splits both assigned and still pending. How far discovery may run ahead is
 * set by checkpoints, not by time: each completed checkpoint that saw pending splits lets it
 * discover {@code splitsPerCheckpoint} more, so a run takes at least {@code total /
 * splitsPerCheckpoint} checkpoints however fast or slow the machine is. Each split emits {@code
 * "id:pos"} for positions 0 to {@code recordsPerSplit - 1}.
 *
 * <p>What checkpoints saw is kept in memory only: restored, the enumerator starts counting anew.
 */
final class DiscoveringSource
    implements Source<String, DiscoveringSource.Split, DiscoveringSource.State> {
  record Split(int id, long position) implements SourceSplit {
    @Override
    public String splitId() {
      return "split-" + id;
    }
  }

  record State(int discovered, List<Split> unassigned) {}

  private final int total;
  private final int recordsPerSplit;
  private final int splitsPerCheckpoint;

  DiscoveringSource(int total, int recordsPerSplit, int splitsPerCheckpoint) {
    this.total = total;
    this.recordsPerSplit = recordsPerSplit;
    this.splitsPerCheckpoint = splitsPerCheckpoint;
  }

  @Override
  public String identity() {
    return "test:discovering";
  }

  @Override
  public Boundedness boundedness() {
    return Boundedness.BOUNDED;
  }

  @Override
  public SplitEnumerator<Split, State> createEnumerator(SplitEnumeratorContext<Split> context) {
    return new Enumerator(context, new State(0, List.of()));
  }

  @Override
  public SplitEnumerator<Split, State> restoreEnumerator(
      SplitEnumeratorContext<Split> context, State checkpoint) {
    return new Enumerator(context, checkpoint);
  }

  @Override
  public SourceReader<String, Split> createReader(SourceReaderContext context) {
    return new Reader();
  }

  @Override
  public VersionedSerializer<Split> splitSerializer() {
    return SPLITS;
  }

  @Override
  public VersionedSerializer<State> enumeratorStateSerializer() {
    return STATES;
  }

  private final class Enumerator implements SplitEnumerator<Split, State> {
    private final SplitEnumeratorContext<Split> context;
    private int discovered;
    private final List<Split> pending;
    // pending splits a checkpoint's snapshot has seen: only these may be assigned
    private final Set<Split> seen = new HashSet<>();
    // checkpoints whose snapshot saw pending splits, and how many of those completed
    private final Set<Long> sawPending = new HashSet<>();
    private int rounds;
    private boolean signalled;

    Enumerator(SplitEnumeratorContext<Split> context, State state) {
      this.context = context;
      this.discovered = state.discovered();
      this.pending = new ArrayList<>(state.unassigned());
    }

    @Override
    public void start() {
      context.callAsync(() -> null, (r, e) -> tick(), Duration.ZERO, Duration.ofMillis(1));
    }

    private void tick() {
      for (Split split : List.copyOf(pending)) {
        int reader = split.id() % context.parallelism();
        if (seen.contains(split) && context.registeredReaders().contains(reader)) {
          context.assignSplits(Map.of(reader, List.of(split)));
          pending.remove(split);
        }
      }
      if (discovered < Math.min(total, (rounds + 1) * splitsPerCheckpoint)) {
        pending.add(new Split(discovered++, 0));
      }
      if (discovered == total && pending.isEmpty() && !signalled) {
        context.registeredReaders().forEach(context::signalNoMoreSplits);
        signalled = true;
      }
    }

    @Override
    public void addReader(int readerId) {}

    @Override
    public void addSplitsBack(List<Split> splits, int readerId) {
      pending.addAll(splits);
    }

    @Override
    public State snapshotState(long checkpointId) {
      if (!pending.isEmpty()) {
        seen.addAll(pending);
        sawPending.add(checkpointId);
      }
      return new State(discovered, List.copyOf(pending));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (sawPending.remove(checkpointId)) {
        rounds++;
      }
    }
  }

  private final class Reader implements SourceReader<String, Split> {
    private final List<long[]> splits = new ArrayList<>();
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    @Override
    public void start() {}

    @Override
    public InputStatus pollNext(ReaderOutput<String> output) {
      boolean any = false;
      for (long[] split : splits) {
        if (split[1] < recordsPerSplit) {
          output.collect(split[0] + ":" + split[1]);
          split[1]++;
          any = true;
        }
      }
      if (any) {
        return InputStatus.MORE_AVAILABLE;
      }
      if (noMoreSplits) {
        return InputStatus.END_OF_INPUT;
      }
      if (available.isDone()) {
        available = new CompletableFuture<>();
      }
      return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return available;
    }

    @Override
    public void addSplits(List<Split> added) {
      added.forEach(s -> splits.add(new long[] {s.id(), s.position()}));
      available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
      noMoreSplits = true;
      available.complete(null);
    }

    @Override
    public List<Split> snapshotState(long checkpointId) {
      return splits.stream().map(s -> new Split((int) s[0], s[1])).toList();
    }
  }

  private static final VersionedSerializer<Split> SPLITS =
      new VersionedSerializer<>() {
        @Override
        public int version() {
          return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          DataOutputStream out = new DataOutputStream(bytes);
          out.writeInt(split.id());
          out.writeLong(split.position());
          return bytes.toByteArray();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
          DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
          return new Split(in.readInt(), in.readLong());
        }
      };

  private static final VersionedSerializer<State> STATES =
      new VersionedSerializer<>() {
        @Override
        public int version() {
          return 1;
        }

        @Override
        public byte[] serialize(State state) throws IOException {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          DataOutputStream out = new DataOutputStream(bytes);
          out.writeInt(state.discovered());
          out.writeInt(state.unassigned().size());
          for (Split split : state.unassigned()) {
            out.write(SPLITS.serialize(split));
          }
          return bytes.toByteArray();
        }

        @Override
        public State deserialize(int version, byte[] serialized) throws IOException {
          DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
          int discovered = in.readInt();
          int n = in.readInt();
          List<Split> unassigned = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            unassigned.add(new Split(in.readInt(), in.readLong()));
          }
          return new State(discovered, unassigned);
        }
      };
}
