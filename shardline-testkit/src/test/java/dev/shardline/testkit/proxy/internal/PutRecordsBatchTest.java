package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PutRecordsBatchTest {

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void costIsDataPlusPartitionKeyBytesAndTheHashIsMd5OrTheExplicitKey(WireProtocol protocol)
      throws Exception {
    // Given a request in the protocol's own encoding (CBOR: byte strings; JSON: base64)
    byte[] wire =
        protocol.write(
            request(protocol, record(protocol, "é", 10, null), record(protocol, "k", 3, "7")));

    // When it is taken apart
    PutRecordsBatch batch = PutRecordsBatch.parse(protocol.readObject(wire)).orElseThrow();

    // Then "é" is 2 UTF-8 bytes, and the explicit hash key wins over the MD5
    assertThat(batch.stream().name()).isEqualTo("orders");
    assertThat(batch.sizes()).containsExactly(12L, 4L);
    assertThat(batch.hashKeys()[0]).isEqualTo(HashKeys.ofPartitionKey("é"));
    assertThat(batch.hashKeys()[1]).hasToString("7");
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void rewrittenRequestCarriesTheAcceptedRecordsUnchangedInOrder(WireProtocol protocol)
      throws Exception {
    // Given three records and the stream addressed by ARN
    ObjectNode original =
        request(
            protocol,
            record(protocol, "a", 5, null),
            record(protocol, "b", 6, null),
            record(protocol, "c", 7, "42"));
    original.remove("StreamName");
    original.put("StreamARN", "arn:aws:kinesis:us-east-1:123456789012:stream/orders");
    PutRecordsBatch batch =
        PutRecordsBatch.parse(protocol.readObject(protocol.write(original))).orElseThrow();

    // When the first and last are accepted and the rewrite goes over the wire
    ObjectNode rewritten =
        protocol.readObject(protocol.write(batch.acceptedOnly(new boolean[] {true, false, true})));

    // Then the server gets exactly those two, byte for byte, with the other fields kept
    assertThat(batch.stream().account("000000000000")).isEqualTo("123456789012");
    assertThat(rewritten.get("StreamARN").asText()).endsWith(":stream/orders");
    ArrayNode records = (ArrayNode) rewritten.get("Records");
    assertThat(records).hasSize(2);
    assertThat(records.get(0).get("PartitionKey").asText()).isEqualTo("a");
    assertThat(records.get(1).get("PartitionKey").asText()).isEqualTo("c");
    assertThat(records.get(1).get("ExplicitHashKey").asText()).isEqualTo("42");
    assertThat(data(protocol, records.get(1))).isEqualTo(payload(7));
    assertThat(records.get(1).get("Data").isBinary()).isEqualTo(protocol == WireProtocol.CBOR);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void mergedResponsePutsUpstreamResultsAndThrottlingErrorsBackInTheOriginalOrder(
      WireProtocol protocol) throws Exception {
    // Given records 0, 2, 3 accepted, and the upstream failing one of them itself
    PutRecordsBatch batch = batchOf(protocol, 4);
    boolean[] accepted = {true, false, true, true};
    String[] messages = {null, "Rate exceeded for shard shardId-000000000000 ...", null, null};
    ObjectNode upstream = protocol.newObject();
    upstream.put("EncryptionType", "NONE");
    upstream.put("FailedRecordCount", 1);
    ArrayNode results = upstream.putArray("Records");
    results.addObject().put("SequenceNumber", "100").put("ShardId", "shardId-000000000000");
    results.addObject().put("ErrorCode", "InternalFailure").put("ErrorMessage", "oops");
    results.addObject().put("SequenceNumber", "102").put("ShardId", "shardId-000000000000");

    // When merged and sent over the wire
    ObjectNode merged =
        protocol.readObject(
            protocol.write(batch.mergeResponse(protocol, upstream, accepted, messages)));

    // Then
    assertThat(merged.get("FailedRecordCount").asLong()).isEqualTo(2);
    assertThat(merged.get("EncryptionType").asText()).isEqualTo("NONE");
    JsonNode records = merged.get("Records");
    assertThat(records).hasSize(4);
    assertThat(records.get(0).get("SequenceNumber").asText()).isEqualTo("100");
    assertThat(records.get(1).get("ErrorCode").asText())
        .isEqualTo("ProvisionedThroughputExceededException");
    assertThat(records.get(1).get("ErrorMessage").asText()).isEqualTo(messages[1]);
    assertThat(records.get(2).get("ErrorCode").asText()).isEqualTo("InternalFailure");
    assertThat(records.get(3).get("SequenceNumber").asText()).isEqualTo("102");
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void allRejectedResponseNeedsNoUpstream(WireProtocol protocol) throws Exception {
    PutRecordsBatch batch = batchOf(protocol, 2);

    ObjectNode merged =
        protocol.readObject(
            protocol.write(
                batch.mergeResponse(
                    protocol, null, new boolean[] {false, false}, new String[] {"m0", "m1"})));

    assertThat(merged.get("FailedRecordCount").asLong()).isEqualTo(2);
    assertThat(merged.get("Records").get(1).get("ErrorMessage").asText()).isEqualTo("m1");
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void anUpstreamAnswerForTheWrongNumberOfRecordsIsAnError(WireProtocol protocol) throws Exception {
    PutRecordsBatch batch = batchOf(protocol, 2);
    ObjectNode upstream = protocol.newObject();
    upstream.putArray("Records");

    assertThatThrownBy(
            () ->
                batch.mergeResponse(
                    protocol, upstream, new boolean[] {true, false}, new String[] {null, "m"}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 records with 0 results");
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void requestsKinesisWouldRefuseAsAWholeAreNotTakenApart(WireProtocol protocol) {
    ObjectNode noStream = request(protocol, record(protocol, "a", 1, null));
    noStream.remove("StreamName");
    ObjectNode noKey = request(protocol, record(protocol, "a", 1, null));
    ((ObjectNode) noKey.get("Records").get(0)).remove("PartitionKey");
    ObjectNode badHashKey = request(protocol, record(protocol, "a", 1, "-5"));
    ObjectNode tooBig = request(protocol, record(protocol, "a", 1024 * 1024, null));
    ObjectNode empty = request(protocol);

    for (ObjectNode refused : new ObjectNode[] {noStream, noKey, badHashKey, tooBig, empty}) {
      assertThat(PutRecordsBatch.parse(refused)).as(refused.toString()).isEmpty();
    }
  }

  private static PutRecordsBatch batchOf(WireProtocol protocol, int n) throws Exception {
    ObjectNode request = request(protocol);
    for (int i = 0; i < n; i++) {
      ((ArrayNode) request.get("Records")).add(record(protocol, "k" + i, 4, null));
    }
    return PutRecordsBatch.parse(protocol.readObject(protocol.write(request))).orElseThrow();
  }

  static ObjectNode request(WireProtocol protocol, ObjectNode... records) {
    ObjectNode request = protocol.newObject();
    request.put("StreamName", "orders");
    ArrayNode array = request.putArray("Records");
    for (ObjectNode record : records) {
      array.add(record);
    }
    return request;
  }

  static ObjectNode record(
      WireProtocol protocol, String partitionKey, int dataBytes, String explicitHashKey) {
    ObjectNode record = protocol.newObject();
    byte[] data = payload(dataBytes);
    if (protocol == WireProtocol.CBOR) {
      record.put("Data", data);
    } else {
      record.put("Data", Base64.getEncoder().encodeToString(data));
    }
    record.put("PartitionKey", partitionKey);
    if (explicitHashKey != null) {
      record.put("ExplicitHashKey", explicitHashKey);
    }
    return record;
  }

  static byte[] payload(int n) {
    byte[] data = new byte[n];
    for (int i = 0; i < n; i++) {
      data[i] = (byte) ('a' + i % 26);
    }
    return data;
  }

  static byte[] data(WireProtocol protocol, JsonNode record) throws Exception {
    JsonNode data = record.get("Data");
    return protocol == WireProtocol.CBOR
        ? data.binaryValue()
        : Base64.getDecoder().decode(data.asText().getBytes(StandardCharsets.US_ASCII));
  }
}
