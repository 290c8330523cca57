package dev.shardline.format;

/**
 * What happens to a record that fails to deserialize; configured as {@code badData.policy} (see
 * {@link BadDataOptions}; default {@link #FAIL}) and applied by the {@link RecordDecoder}.
 *
 * <pre>{@code
 * RecordDecoder.builder(JsonFormat.forJsonNode()).policy(BadDataPolicy.DROP)...
 * }</pre>
 */
public enum BadDataPolicy {
  /**
   * Stop the pipeline with a {@link BadRecordException} naming the record's coordinates and the
   * cause. The default: nothing is lost silently; after fixing the data or the configuration, the
   * pipeline resumes from its last checkpoint, before the bad record.
   */
  FAIL,

  /**
   * Skip the record, count it in {@code shardline.records.dropped} and log it at WARN with its
   * coordinates (rate-limited, see {@code badData.logInterval}).
   */
  DROP,

  /**
   * Send the record's raw bytes, coordinates and error to the pipeline's dead-letter sink, count it
   * in {@code shardline.records.dead.lettered}, and go on. Needs a dead-letter sink: without one,
   * the reader refuses to start.
   */
  DEAD_LETTER
}
