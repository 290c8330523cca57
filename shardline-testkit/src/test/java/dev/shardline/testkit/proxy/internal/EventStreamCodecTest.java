package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventStreamCodecTest {

  /** Two SubscribeToShard events kinesis-local 0.6.2 sent over HTTP/1.1: one record, then none. */
  private static byte[] capturedKinesisLocalEvents() throws IOException {
    try (InputStream in =
        EventStreamCodecTest.class.getResourceAsStream("kinesis-local-subscribe-events.bin")) {
      return in.readAllBytes();
    }
  }

  @Test
  void decodesTheEventsKinesisLocalSends() throws IOException {
    byte[] bytes = capturedKinesisLocalEvents();

    List<EventStreamCodec.Framed> messages = new EventStreamCodec.Decoder().feed(bytes);

    assertThat(messages).hasSize(2);
    EventStreamMessage first = messages.get(0).message();
    assertThat(first.isSubscribeToShardEvent()).isTrue();
    assertThat(first.header(EventStreamMessage.CONTENT_TYPE)).isEqualTo("application/json");
    ObjectNode payload = first.payloadProtocol().readObject(first.payload());
    assertThat(payload.path("Records").get(0).path("Data").asText()).isEqualTo("aGVsbG8=");
    assertThat(payload.path("ContinuationSequenceNumber").asText()).startsWith("4968091");
    ObjectNode second = WireProtocol.JSON.readObject(messages.get(1).message().payload());
    assertThat(second.path("Records")).isEmpty();
    // the original bytes, to forward untouched, and re-encoding gives them back
    assertThat(messages.get(0).bytes()).isEqualTo(Arrays.copyOf(bytes, 434));
    assertThat(EventStreamCodec.encode(first)).isEqualTo(messages.get(0).bytes());
  }

  @Test
  void decodesMessagesSplitAcrossChunksOfAnySize() throws IOException {
    byte[] bytes = capturedKinesisLocalEvents();
    EventStreamCodec.Decoder decoder = new EventStreamCodec.Decoder();
    List<EventStreamCodec.Framed> messages = new ArrayList<>();

    for (int i = 0; i < bytes.length; i += 7) {
      messages.addAll(decoder.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
    }

    assertThat(messages).hasSize(2);
    assertThat(decoder.buffered()).isZero();
  }

  @Test
  void roundTripsEveryHeaderType() throws IOException {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(":message-type", "event");
    headers.put("t", Boolean.TRUE);
    headers.put("f", Boolean.FALSE);
    headers.put("b", (byte) -3);
    headers.put("s", (short) 300);
    headers.put("i", 70_000);
    headers.put("l", 1L << 40);
    headers.put("raw", new byte[] {1, 2, 3});
    headers.put("ts", Instant.ofEpochMilli(1_700_000_000_123L));
    headers.put("id", new UUID(1, 2));
    EventStreamMessage message =
        new EventStreamMessage(headers, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    EventStreamMessage decoded = EventStreamCodec.decode(EventStreamCodec.encode(message));

    assertThat(decoded.headers()).usingRecursiveComparison().isEqualTo(headers);
    assertThat(decoded.payload()).isEqualTo(message.payload());
  }

  @Test
  void aCorruptedMessageIsRefused() throws IOException {
    byte[] bytes = EventStreamCodec.encode(EventStreamMessage.exception("X", "boom"));
    bytes[bytes.length - 6] ^= 1;

    assertThatThrownBy(() -> EventStreamCodec.decode(bytes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void theFinalEventOfAClosedShardNamesItsChildrenAndHasNoContinuation() throws IOException {
    EventStreamMessage empty =
        new EventStreamCodec.Decoder().feed(capturedKinesisLocalEvents()).get(1).message();
    List<ShardMap.Lineage> children =
        List.of(
            new ShardMap.Lineage(
                "shardId-000000000001",
                "shardId-000000000000",
                null,
                BigInteger.ZERO,
                BigInteger.TEN,
                false),
            new ShardMap.Lineage(
                "shardId-000000000002",
                "shardId-000000000000",
                null,
                BigInteger.valueOf(11),
                HashKeys.MAX,
                false));

    for (WireProtocol protocol : WireProtocol.values()) {
      EventStreamMessage last = SubscriptionRelay.finalEvent(empty, protocol, children);

      EventStreamMessage decoded = EventStreamCodec.decode(EventStreamCodec.encode(last));
      assertThat(decoded.isSubscribeToShardEvent()).isTrue();
      ObjectNode payload = protocol.readObject(decoded.payload());
      assertThat(payload.has("ContinuationSequenceNumber")).isFalse();
      assertThat(payload.path("MillisBehindLatest").asLong()).isZero();
      assertThat(payload.path("Records")).isEmpty();
      assertThat(payload.path("ChildShards")).hasSize(2);
      assertThat(payload.path("ChildShards").get(1).path("ShardId").asText())
          .isEqualTo("shardId-000000000002");
      assertThat(payload.path("ChildShards").get(1).path("ParentShards").get(0).asText())
          .isEqualTo("shardId-000000000000");
      assertThat(
              payload
                  .path("ChildShards")
                  .get(1)
                  .path("HashKeyRange")
                  .path("EndingHashKey")
                  .asText())
          .isEqualTo(HashKeys.MAX.toString());
    }
  }
}
