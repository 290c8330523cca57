package dev.shardline.connectors.generator;

import static dev.shardline.util.Preconditions.checkArgument;

import dev.shardline.api.SourceSplit;

/**
 * A slice of a generator's sequence space: split {@code index} of {@code splitCount} emits the
 * sequence numbers {@code index, index + splitCount, index + 2 * splitCount, ...}, so the splits
 * together emit every number exactly once, whichever readers own them. Immutable.
 *
 * @param index this split's number, 0 to {@code splitCount - 1}
 * @param splitCount how many splits the sequence space is divided into
 * @param position how many numbers this split has emitted; the next is {@link #next()}
 */
public record GeneratorSplit(int index, int splitCount, long position) implements SourceSplit {

  public GeneratorSplit {
    checkArgument(splitCount >= 1, "splitCount must be 1 or more, was " + splitCount);
    checkArgument(
        index >= 0 && index < splitCount,
        "index must be from 0 to " + (splitCount - 1) + ", was " + index);
    checkArgument(position >= 0, "position must be 0 or more, was " + position);
  }

  @Override
  public String splitId() {
    return "generator-" + index + "-of-" + splitCount;
  }

  /** The sequence number this split emits next. */
  public long next() {
    return index + position * splitCount;
  }

  /** This split after {@code emitted} more numbers. */
  public GeneratorSplit advance(long emitted) {
    return new GeneratorSplit(index, splitCount, position + emitted);
  }
}
