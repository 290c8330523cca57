package dev.shardline.bench.chaos;

import dev.shardline.testkit.kinesis.StreamContents;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Reads the whole stream back with plain SDK calls (not Shardline's source), every shard open or
 * closed from its oldest record, straight from the server (no quota proxy): what the stream really
 * holds, per key and counter, is what each pipeline owes.
 */
final class StreamReadBack {
  private StreamReadBack() {}

  /** Per key, each counter's copies in {@code stream}. */
  static Map<String, Map<Long, Integer>> read(KinesisClient client, String stream) {
    Map<String, Map<Long, Integer>> copies = new HashMap<>();
    for (StreamContents.StoredRecord stored : StreamContents.readAll(client, stream)) {
      String value = stored.record().data().asUtf8String();
      int first = value.indexOf(':');
      int second = value.indexOf(':', first + 1);
      long counter = Long.parseLong(value.substring(first + 1, second));
      copies
          .computeIfAbsent(value.substring(0, first), k -> new HashMap<>())
          .merge(counter, 1, Integer::sum);
    }
    return copies;
  }
}
