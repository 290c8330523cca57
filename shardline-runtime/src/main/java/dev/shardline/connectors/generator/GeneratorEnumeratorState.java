package dev.shardline.connectors.generator;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.List;

/**
 * The generator enumerator's checkpoint state: how the sequence space is split, and the splits not
 * assigned to a reader yet. Immutable.
 *
 * @param splitCount how many splits the sequence space is divided into (fixed at the first start)
 * @param unassigned splits waiting for their reader, with their positions
 */
public record GeneratorEnumeratorState(int splitCount, List<GeneratorSplit> unassigned) {

  public GeneratorEnumeratorState {
    checkArgument(splitCount >= 1, "splitCount must be 1 or more, was " + splitCount);
    unassigned = List.copyOf(checkNotNull(unassigned, "unassigned"));
  }
}
