package dev.shardline.state;

import java.io.IOException;

/**
 * Turns a state object (a split, an enumerator state, a writer state, a committable) into bytes and
 * back, with a version so that state written by an older Shardline stays readable.
 *
 * <p>Rules every implementation follows:
 *
 * <ul>
 *   <li>{@link #serialize} always writes the current {@link #version()}.
 *   <li>{@link #deserialize} reads the current version and every older one it ever wrote; the code
 *       that reads an old version is kept, with a test that restores bytes of that version.
 *   <li>An unknown (newer) version is refused with an {@link IOException} naming both versions.
 * </ul>
 *
 * <p>Implementations are stateless and thread-safe.
 *
 * @param <T> the state type
 */
public interface VersionedSerializer<T> {

  /** The version {@link #serialize} writes. Starts at 1, grows by one per format change. */
  int version();

  /** The bytes of {@code value} in the current version's format. */
  byte[] serialize(T value) throws IOException;

  /**
   * Reads bytes written by {@link #serialize} of the given version.
   *
   * @throws IOException when the bytes are malformed or the version is unknown
   */
  T deserialize(int version, byte[] serialized) throws IOException;
}
