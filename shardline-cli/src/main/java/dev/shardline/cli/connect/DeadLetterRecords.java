package dev.shardline.cli.connect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.api.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dead letter as the JSON record a dead-letter sink writes: {@code {"error": ..., "coordinates":
 * {...}, "timestamp": "...", "payload": "..."}}, with {@code payloadBase64} instead of {@code
 * payload} when the bytes are not UTF-8 text. Stateless, thread-safe.
 */
public final class DeadLetterRecords {
  private DeadLetterRecords() {}

  /** {@code deadLetter} as a record. */
  public static PipelineRecord toRecord(DeadLetter deadLetter) {
    ObjectNode json = PipelineRecord.JSON.createObjectNode();
    json.put("error", deadLetter.error());
    ObjectNode coordinates = json.putObject("coordinates");
    new TreeMap<>(deadLetter.coordinates()).forEach(coordinates::put);
    json.put("timestamp", Instant.ofEpochMilli(deadLetter.timestampMillis()).toString());
    try {
      json.put(
          "payload",
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(deadLetter.payload()))
              .toString());
    } catch (CharacterCodingException e) {
      json.put("payloadBase64", Base64.getEncoder().encodeToString(deadLetter.payload()));
    }
    return PipelineRecord.of(json, Map.of());
  }
}
