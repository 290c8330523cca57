package dev.shardline.api;

import dev.shardline.state.VersionedSerializer;
import java.io.Serializable;

/**
 * A source of records: a factory for its one {@link SplitEnumerator} and its readers (one per
 * worker), plus the serializers of their state. Shaped like Flink's FLIP-27 {@code Source}, so the
 * Flink adapter stays thin. Implementations are immutable configuration and thread-safe.
 *
 * <p><b>A definition, not a running thing.</b> A source is {@link Serializable}: the Flink adapter
 * Java-serializes it to the cluster, where each task deserializes its own copy. So its fields hold
 * only configuration ({@code dev.shardline.config.Configuration}, strings, enums, durations), its
 * formats ({@code DeserializationSchema}) and serializable functions ({@code
 * dev.shardline.api.function}); every SDK client, Kafka client, thread, executor, meter registry or
 * open file is made in {@link #createEnumerator}, {@link #restoreEnumerator} or {@link
 * #createReader} and closed by what it was made for. {@link
 * dev.shardline.config.Serializability#requireSerializable} checks a source before it is shipped
 * and names the field that cannot be serialized. Splits need not be {@code Serializable}: they
 * travel as the bytes of {@link #splitSerializer()}.
 *
 * @param <T> the records it emits
 * @param <S> its split type
 * @param <E> its enumerator's checkpoint state
 */
public interface Source<T, S extends SourceSplit, E> extends Serializable {

  /**
   * What state this source can restore from, e.g. {@code "kinesis:orders"}. Stored in every
   * checkpoint; restoring a checkpoint written under another identity is refused, so a pipeline
   * whose source was swapped never reads foreign offsets.
   */
  String identity();

  /**
   * The class of the records it emits, as precisely as the source knows it ({@code Object} when it
   * does not): Flink picks the serializer for records between operators from it, and checks that a
   * function's input type matches. The embedded runner does not use it.
   */
  default Class<?> recordClass() {
    return Object.class;
  }

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
