package dev.shardline.api;

import dev.shardline.state.VersionedSerializer;

/**
 * A source of records: a factory for its one {@link SplitEnumerator} and its readers (one per
 * worker), plus the serializers of their state. Shaped like Flink's FLIP-27 {@code Source}, so the
 * Flink adapter stays thin. Implementations are immutable configuration and thread-safe.
 *
 * @param <T> the records it emits
 * @param <S> its split type
 * @param <E> its enumerator's checkpoint state
 */
public interface Source<T, S extends SourceSplit, E> {

  /**
   * What state this source can restore from, e.g. {@code "kinesis:orders"}. Stored in every
   * checkpoint; restoring a checkpoint written under another identity is refused, so a pipeline
   * whose source was swapped never reads foreign offsets.
   */
  String identity();

  /** Whether the source ends by itself. */
  Boundedness boundedness();

  /** A fresh enumerator, when there is no checkpoint to restore. */
  SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context);

  /** An enumerator restored from its checkpointed state. */
  SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint);

  /** A reader for one worker; it gets its splits through {@link SourceReader#addSplits}. */
  SourceReader<T, S> createReader(SourceReaderContext context);

  /** Serializer of splits (with their positions) in checkpoints. */
  VersionedSerializer<S> splitSerializer();

  /** Serializer of the enumerator's checkpoint state. */
  VersionedSerializer<E> enumeratorStateSerializer();
}
