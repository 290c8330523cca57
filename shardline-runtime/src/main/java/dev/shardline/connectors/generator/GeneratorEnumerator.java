package dev.shardline.connectors.generator;

import dev.shardline.api.SplitEnumerator;
import dev.shardline.api.SplitEnumeratorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assigns generator splits: split {@code i} goes to reader {@code i % parallelism}. All splits
 * exist from the start, so each reader is told "no more splits" as soon as it has its own. Runs on
 * the coordinator thread only.
 */
final class GeneratorEnumerator
    implements SplitEnumerator<GeneratorSplit, GeneratorEnumeratorState> {
  private final SplitEnumeratorContext<GeneratorSplit> context;
  private final int splitCount;
  // by split index, so the order (and so the state's bytes) is deterministic
  private final TreeMap<Integer, GeneratorSplit> unassigned = new TreeMap<>();

  GeneratorEnumerator(
      SplitEnumeratorContext<GeneratorSplit> context, GeneratorEnumeratorState state) {
    this.context = context;
    this.splitCount = state.splitCount();
    state.unassigned().forEach(s -> unassigned.put(s.index(), s));
  }

  @Override
  public void start() {}

  @Override
  public void addReader(int readerId) {
    assignPending(readerId);
    context.signalNoMoreSplits(readerId);
  }

  @Override
  public void addSplitsBack(List<GeneratorSplit> splits, int readerId) {
    splits.forEach(s -> unassigned.put(s.index(), s));
    for (int reader : context.registeredReaders()) {
      assignPending(reader);
    }
  }

  private void assignPending(int readerId) {
    List<GeneratorSplit> mine = new ArrayList<>();
    unassigned
        .values()
        .removeIf(
            split -> {
              if (split.index() % context.parallelism() == readerId) {
                mine.add(split);
                return true;
              }
              return false;
            });
    if (!mine.isEmpty()) {
      context.assignSplits(Map.of(readerId, mine));
    }
  }

  @Override
  public GeneratorEnumeratorState snapshotState(long checkpointId) {
    return new GeneratorEnumeratorState(splitCount, new ArrayList<>(unassigned.values()));
  }

  @Override
  public void close() {}

  /** The splits not handed to a reader yet; for tests. */
  Map<Integer, GeneratorSplit> unassigned() {
    return Map.copyOf(unassigned);
  }
}
