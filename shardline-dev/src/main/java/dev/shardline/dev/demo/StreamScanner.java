package dev.shardline.dev.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardline.testkit.kinesis.StreamContents;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Reads a whole Kinesis stream from its oldest record with plain SDK calls (not Shardline's
 * source), to count what the demo's writer really put there: the {@code seq} of every event.
 */
final class StreamScanner {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamScanner() {}

  /** The {@code seq} of every event in {@code stream}. */
  static Set<Long> events(KinesisClient client, String stream) throws IOException {
    Set<Long> events = new HashSet<>();
    for (StreamContents.StoredRecord stored : StreamContents.readAll(client, stream)) {
      JsonNode json = JSON.readTree(stored.record().data().asByteArray());
      events.add(json.get("seq").asLong());
    }
    return events;
  }
}
