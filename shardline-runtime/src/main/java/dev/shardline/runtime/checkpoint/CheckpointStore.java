package dev.shardline.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a pipeline keeps its checkpoints. A store must make {@link #store} atomic (a reader of the
 * store sees a checkpoint whole or not at all) and durable when it returns, and {@link #latest}
 * must never return a damaged checkpoint. The default is {@link #directory(Path)}: one binary file
 * per checkpoint in a local directory. Implementations are used by one pipeline at a time, from its
 * coordinator thread, and need not be thread-safe.
 *
 * <pre>{@code
 * try (CheckpointStore store = CheckpointStore.directory(Path.of("checkpoints/orders"))) {
 *   store.latest().ifPresent(checkpoint -> System.out.println(checkpoint.id()));
 * }
 * }</pre>
 */
public interface CheckpointStore extends AutoCloseable {

  /**
   * A store in a local directory (created if missing) that keeps the last {@value
   * DirectoryCheckpointStore#DEFAULT_RETAINED} checkpoints; see {@link DirectoryCheckpointStore}.
   */
  static DirectoryCheckpointStore directory(Path directory) throws IOException {
    return DirectoryCheckpointStore.open(directory, DirectoryCheckpointStore.DEFAULT_RETAINED);
  }

  /** The newest readable checkpoint, or empty when there is none. */
  Optional<Checkpoint> latest() throws IOException;

  /**
   * Stores {@code checkpoint} atomically and durably; when this returns, {@link #latest()} returns
   * it.
   *
   * @return how many bytes it took
   */
  long store(Checkpoint checkpoint) throws IOException;

  /**
   * The highest checkpoint id this store has ever been given or found, readable or not (0 when
   * none): the runner numbers its next checkpoint above it, so no id is used twice, not even the id
   * of a checkpoint that was lost after sinks had committed output named after it. By default the
   * id of {@link #latest()}; a store that can lose or set aside checkpoints must override it.
   */
  default long highestIdUsed() throws IOException {
    return latest().map(Checkpoint::id).orElse(0L);
  }

  /** Where the checkpoints are, for messages (e.g. the directory path). */
  String location();

  @Override
  default void close() throws IOException {}
}
