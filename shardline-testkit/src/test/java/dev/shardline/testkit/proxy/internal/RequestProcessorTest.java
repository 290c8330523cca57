package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.Operation;
import dev.shardline.testkit.proxy.ShardQuotas;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestProcessorTest {
  private static final String SHARD_0 = "shardId-000000000000";
  private static final String SHARD_1 = "shardId-000000000001";
  private static final String TO_SHARD_0 = "0";
  private static final String TO_SHARD_1 = HashKeys.MAX.toString();

  private final ManualClock clock = new ManualClock();
  private final FakeKinesis upstream = new FakeKinesis();
  private final CounterBook counters = new CounterBook();
  private final FaultSchedule faults = new FaultSchedule();

  private RequestProcessor processor(ShardQuotas quotas) {
    return new RequestProcessor(
        upstream,
        faults,
        counters,
        new QuotaBook(quotas, clock),
        new ShardMapCache(upstream, Duration.ofSeconds(5), clock, counters),
        new IteratorRegistry(clock),
        new Subscriptions(clock),
        "000000000000");
  }

  // ---- PutRecords

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void recordsOverQuotaFailOneByOneAndOnlyTheAcceptedOnesReachTheServer(WireProtocol protocol)
      throws Exception {
    // Given 3 records/s per shard, and five records: four to shard 0, then one to shard 1
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(3));
    ObjectNode request =
        PutRecordsBatchTest.request(
            protocol,
            PutRecordsBatchTest.record(protocol, "r0", 10, TO_SHARD_0),
            PutRecordsBatchTest.record(protocol, "r1", 10, TO_SHARD_0),
            PutRecordsBatchTest.record(protocol, "r2", 10, TO_SHARD_0),
            PutRecordsBatchTest.record(protocol, "r3", 10, TO_SHARD_0),
            PutRecordsBatchTest.record(protocol, "r4", 10, TO_SHARD_1));

    // When
    ProxyResponse response = respond(processor, request(protocol, "PutRecords", request));

    // Then the client sees the fourth record throttled, as AWS words it
    JsonNode answer = protocol.readObject(response.body());
    assertThat(response.status()).isEqualTo(200);
    assertThat(answer.get("FailedRecordCount").asInt()).isEqualTo(1);
    assertThat(answer.get("EncryptionType").asText()).isEqualTo("NONE");
    JsonNode records = answer.get("Records");
    assertThat(records).hasSize(5);
    assertThat(records.get(0).get("ShardId").asText()).isEqualTo(SHARD_0);
    assertThat(records.get(3).get("ErrorCode").asText())
        .isEqualTo("ProvisionedThroughputExceededException");
    assertThat(records.get(3).get("ErrorMessage").asText())
        .isEqualTo(
            "Rate exceeded for shard shardId-000000000000 in stream orders under account"
                + " 000000000000.");
    assertThat(records.get(4).get("ShardId").asText()).isEqualTo(SHARD_1);

    // And the server got one PutRecords with the four accepted records, in order
    List<ProxyRequest> forwarded = upstream.received(Operation.PUT_RECORDS);
    assertThat(forwarded).hasSize(1);
    assertThat(forwarded.get(0).headers().getInt("Content-Length"))
        .isEqualTo(forwarded.get(0).body().length);
    JsonNode sent = protocol.readObject(forwarded.get(0).body()).get("Records");
    assertThat(sent)
        .extracting(r -> r.get("PartitionKey").asText())
        .containsExactly("r0", "r1", "r2", "r4");
    assertThat(PutRecordsBatchTest.data(protocol, sent.get(3)))
        .isEqualTo(PutRecordsBatchTest.payload(10));

    // And the counters say so, per shard
    assertThat(counters.throttledRecords(new ShardRef("orders", SHARD_0))).isEqualTo(1);
    assertThat(counters.throttledRecords(new ShardRef("orders", SHARD_1))).isZero();
    assertThat(counters.acceptedRecords(null)).isEqualTo(4);
    assertThat(counters.forwarded(Operation.PUT_RECORDS, false)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aPutRecordsWhoseRecordsAreAllThrottledNeverReachesTheServer(WireProtocol protocol)
      throws Exception {
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(1));
    respond(processor, putRecords(protocol, TO_SHARD_0));

    ProxyResponse response = respond(processor, putRecords(protocol, TO_SHARD_0, TO_SHARD_0));

    JsonNode answer = protocol.readObject(response.body());
    assertThat(answer.get("FailedRecordCount").asInt()).isEqualTo(2);
    assertThat(answer.get("Records").get(1).get("ErrorCode").asText())
        .isEqualTo("ProvisionedThroughputExceededException");
    assertThat(upstream.received(Operation.PUT_RECORDS)).hasSize(1);
    assertThat(counters.forwarded(Operation.PUT_RECORDS, false)).isEqualTo(1);
    assertThat(counters.throttledRecords(null)).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"500", "503", "no answer"})
  void aPutRecordsTheServerFailsAsAWholeGivesItsQuotaBackSoTheRetryIsNotChargedTwice(String failure)
      throws Exception {
    // Given 2 records/s per shard, on a clock that stands still, and a server that fails the
    // first PutRecords as a whole
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(2));
    failWrites(failure);
    ProxyResponse failed =
        respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0, TO_SHARD_0));
    assertThat(failed.status()).isGreaterThanOrEqualTo(500);

    // When the client retries the same two records within the same second
    upstream.dropWrites = false;
    upstream.writeStatus = 200;
    ProxyResponse retried =
        respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0, TO_SHARD_0));

    // Then both are accepted: the failed attempt took no quota
    assertThat(retried.status()).isEqualTo(200);
    assertThat(WireProtocol.JSON.readObject(retried.body()).get("FailedRecordCount").asInt())
        .isZero();
    assertThat(counters.acceptedRecords(null)).isEqualTo(2);
    assertThat(counters.throttledRecords(null)).isZero();
  }

  @Test
  void aPartlyThrottledPutRecordsTheServerFailsGivesBackOnlyWhatItTook() throws Exception {
    // Given 2 records/s, one already taken, and a server that fails the next write as a whole
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(2));
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0));
    upstream.writeStatus = 500;

    // When two records come (one fits, one is throttled) and the server fails the rewritten write
    assertThat(respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0, TO_SHARD_0)).status())
        .isEqualTo(500);
    upstream.writeStatus = 200;

    // Then the one record that fitted has its quota back, and no more
    ProxyResponse next = respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0, TO_SHARD_0));
    assertThat(WireProtocol.JSON.readObject(next.body()).get("FailedRecordCount").asInt())
        .isEqualTo(1);
    assertThat(counters.acceptedRecords(null)).isEqualTo(2);
  }

  @Test
  void aPutRecordTheServerDropsGivesItsQuotaBack() throws Exception {
    // Given 1 record/s per shard and a server that drops the first PutRecord unanswered
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(1));
    upstream.dropWrites = true;
    assertThat(respond(processor, putRecord(TO_SHARD_0)).status()).isEqualTo(502);

    // When it is retried at the same instant
    upstream.dropWrites = false;

    // Then it is accepted and written
    assertThat(respond(processor, putRecord(TO_SHARD_0)).status()).isEqualTo(200);
    assertThat(counters.acceptedRecords(null)).isEqualTo(1);
    assertThat(counters.throttledPutRecordCalls(null)).isZero();
  }

  @Test
  void aWriteTheServerCompletedKeepsItsQuotaAfterAll() {
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(1));

    assertThat(respond(processor, putRecord(TO_SHARD_0)).status()).isEqualTo(200);

    assertThat(respond(processor, putRecord(TO_SHARD_0)).status()).isEqualTo(400);
  }

  private void failWrites(String failure) {
    if (failure.equals("no answer")) {
      upstream.dropWrites = true;
    } else {
      upstream.writeStatus = Integer.parseInt(failure);
    }
  }

  private static ProxyRequest putRecord(String explicitHashKey) {
    ObjectNode body = PutRecordsBatchTest.record(WireProtocol.JSON, "k", 8, explicitHashKey);
    body.put("StreamName", "orders");
    return request(WireProtocol.JSON, "PutRecord", body);
  }

  @Test
  void aPutRecordsWithinQuotaIsForwardedByteForByte() {
    RequestProcessor processor = processor(ShardQuotas.aws());
    ProxyRequest request = putRecords(WireProtocol.CBOR, TO_SHARD_0, TO_SHARD_1);

    respond(processor, request);

    assertThat(upstream.received(Operation.PUT_RECORDS))
        .singleElement()
        .satisfies(sent -> assertThat(sent.body()).isEqualTo(request.body()));
  }

  @Test
  void shardMapIsListedOnceAndAgainOnlyWhenItIsStale() {
    RequestProcessor processor = processor(ShardQuotas.aws());

    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0));
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_1));
    clock.advanceMillis(4_999);
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_1));
    assertThat(upstream.received(Operation.LIST_SHARDS)).hasSize(1);

    clock.advanceMillis(1);
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_1));
    assertThat(upstream.received(Operation.LIST_SHARDS)).hasSize(2);
    assertThat(counters.shardMapRefreshes()).isEqualTo(2);
  }

  @Test
  void theProxyListsShardsWithTheClientsCredentialsAndItsOwnJsonBody() throws Exception {
    RequestProcessor processor = processor(ShardQuotas.aws());

    respond(processor, putRecords(WireProtocol.CBOR, TO_SHARD_0));

    ProxyRequest listing = upstream.received(Operation.LIST_SHARDS).get(0);
    assertThat(listing.headers().get("Authorization")).startsWith("AWS4-HMAC-SHA256");
    assertThat(listing.headers().get("Content-Type")).isEqualTo("application/x-amz-json-1.1");
    assertThat(WireProtocol.JSON.readObject(listing.body()).get("StreamName").asText())
        .isEqualTo("orders");
  }

  @Test
  void aRecordOutsideEveryKnownOpenShardMakesTheProxyListAgain() {
    // Given the proxy listed shard 0 only (say, while shard 1 was being created)
    upstream.shards = List.of(upstream.shards.get(0));
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(1));
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0));
    upstream.shards = new FakeKinesis().shards;

    // When a record goes to shard 1's range
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_1, TO_SHARD_1));

    // Then the proxy listed again and charged shard 1
    assertThat(upstream.received(Operation.LIST_SHARDS)).hasSize(2);
    assertThat(counters.acceptedRecords(new ShardRef("orders", SHARD_1))).isEqualTo(1);
    assertThat(counters.throttledRecords(new ShardRef("orders", SHARD_1))).isEqualTo(1);
  }

  @Test
  void aSplitThroughTheProxyMakesItListAgainAndRouteToTheChildren() {
    // Given a map listed before the split
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(1));
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_1));

    // When shard 1 is split (the server now has shards 0, 2 and 3)
    respond(processor, request(WireProtocol.JSON, "SplitShard", streamBody()));
    BigInteger quarter = FakeKinesis.HALF.add(BigInteger.ONE).add(HashKeys.MAX).shiftRight(1);
    upstream.shards =
        List.of(
            upstream.shards.get(0),
            new ShardMap.OpenShard(
                "shardId-000000000002", FakeKinesis.HALF.add(BigInteger.ONE), quarter),
            new ShardMap.OpenShard(
                "shardId-000000000003", quarter.add(BigInteger.ONE), HashKeys.MAX));
    respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_1));

    // Then the record was charged to the child, which has its own quota
    assertThat(upstream.received(Operation.LIST_SHARDS)).hasSize(2);
    assertThat(counters.acceptedRecords(new ShardRef("orders", "shardId-000000000003")))
        .isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void aPutRecordOverQuotaGetsA400ProvisionedThroughputExceeded(WireProtocol protocol)
      throws Exception {
    // Given 22 bytes/s, and records of 9 data bytes and a 2-byte key
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteBytesPerSecond(22));
    ObjectNode record =
        PutRecordsBatchTest.record(protocol, "pk", 9, null).put("StreamName", "orders");
    assertThat(respond(processor, request(protocol, "PutRecord", record)).status()).isEqualTo(200);
    assertThat(respond(processor, request(protocol, "PutRecord", record)).status()).isEqualTo(200);

    ProxyResponse throttled = respond(processor, request(protocol, "PutRecord", record));

    assertThat(throttled.status()).isEqualTo(400);
    assertThat(throttled.headers().get("x-amzn-ErrorType"))
        .isEqualTo("ProvisionedThroughputExceededException");
    assertThat(throttled.headers().get("Content-Type")).isEqualTo(protocol.contentType());
    JsonNode error = protocol.readObject(throttled.body());
    assertThat(error.get("__type").asText()).isEqualTo("ProvisionedThroughputExceededException");
    assertThat(error.get("message").asText()).startsWith("Rate exceeded for shard shardId-");
    assertThat(upstream.received(Operation.PUT_RECORD)).hasSize(2);
    assertThat(counters.throttledPutRecordCalls(null)).isEqualTo(1);
  }

  // ---- GetRecords

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void getRecordsIsThrottledAfterFiveCallsPerSecondFollowingTheIteratorChain(WireProtocol protocol)
      throws Exception {
    // Given an iterator from GetShardIterator
    RequestProcessor processor = processor(ShardQuotas.aws());
    String iterator = shardIterator(processor, protocol, SHARD_0);

    // When GetRecords follows NextShardIterator 5 times within a second
    for (int i = 0; i < 5; i++) {
      ProxyResponse page = respond(processor, getRecords(protocol, iterator));
      assertThat(page.status()).isEqualTo(200);
      iterator = protocol.readObject(page.body()).get("NextShardIterator").asText();
      clock.advanceMillis(100);
    }
    ProxyResponse sixth = respond(processor, getRecords(protocol, iterator));

    // Then the sixth is throttled, as AWS words it, and is not forwarded
    assertThat(sixth.status()).isEqualTo(400);
    assertThat(protocol.readObject(sixth.body()).get("message").asText())
        .isEqualTo("Rate exceeded for Shard - 000000000000/orders/shardId-000000000000");
    assertThat(upstream.received(Operation.GET_RECORDS)).hasSize(5);
    assertThat(counters.throttledGetRecordsCalls(new ShardRef("orders", SHARD_0))).isEqualTo(1);

    // And a second after the first call, the same iterator is served
    clock.advanceMillis(500);
    assertThat(respond(processor, getRecords(protocol, iterator)).status()).isEqualTo(200);
  }

  @Test
  void aLargeReadThrottlesTheShardUntilTheByteBudgetRecovers() {
    RequestProcessor processor = processor(ShardQuotas.aws());
    String iterator = shardIterator(processor, WireProtocol.CBOR, SHARD_0);
    upstream.dataBytesPerGet = (int) (3 * ShardQuotas.MIB);

    assertThat(respond(processor, getRecords(WireProtocol.CBOR, iterator)).status()).isEqualTo(200);
    clock.advanceMillis(500); // budget: 2 MiB - 3 MiB + 1 MiB = 0
    assertThat(respond(processor, getRecords(WireProtocol.CBOR, iterator)).status()).isEqualTo(400);
    clock.advanceMillis(10);
    assertThat(respond(processor, getRecords(WireProtocol.CBOR, iterator)).status()).isEqualTo(200);
  }

  @Test
  void iteratorsTheProxyNeverSawPassUnthrottled() {
    RequestProcessor processor = processor(ShardQuotas.aws().withReadCallsPerSecond(1));

    for (int i = 0; i < 10; i++) {
      assertThat(respond(processor, getRecords(WireProtocol.JSON, "unknown")).status())
          .isEqualTo(200);
    }
    assertThat(counters.forwarded(Operation.GET_RECORDS, false)).isEqualTo(10);
  }

  // ---- faults

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void errorFaultsAnswerInTheClientsProtocolWithoutReachingTheServer(WireProtocol protocol)
      throws Exception {
    RequestProcessor processor = processor(ShardQuotas.aws());
    faults.arm(Operation.GET_RECORDS, 1, Fault.INTERNAL_ERROR);
    faults.arm(Operation.GET_RECORDS, 1, Fault.SERVICE_UNAVAILABLE);
    faults.arm(Operation.GET_RECORDS, 1, Fault.LIMIT_EXCEEDED);
    faults.arm(Operation.GET_RECORDS, 1, Fault.EXPIRED_ITERATOR);

    ProxyResponse internal = respond(processor, getRecords(protocol, "i"));
    ProxyResponse unavailable = respond(processor, getRecords(protocol, "i"));
    ProxyResponse limit = respond(processor, getRecords(protocol, "i"));
    ProxyResponse expired = respond(processor, getRecords(protocol, "i"));

    assertThat(internal.status()).isEqualTo(500);
    assertThat(type(protocol, internal)).isEqualTo("InternalFailure");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(type(protocol, unavailable)).isEqualTo("ServiceUnavailable");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(type(protocol, limit)).isEqualTo("LimitExceededException");
    assertThat(expired.status()).isEqualTo(400);
    assertThat(type(protocol, expired)).isEqualTo("ExpiredIteratorException");
    assertThat(upstream.received).isEmpty();
    assertThat(counters.injectedFaults(null)).isEqualTo(4);
    assertThat(counters.injectedFaults(Fault.Kind.EXPIRED_ITERATOR)).isEqualTo(1);
  }

  @Test
  void connectionFaultsAreLeftToTheServerToCarryOut() {
    RequestProcessor processor = processor(ShardQuotas.aws());
    faults.arm(null, 1, Fault.TIMEOUT);
    faults.arm(null, 1, Fault.DROP_CONNECTION);

    assertThat(processor.process(putRecords(WireProtocol.JSON, TO_SHARD_0)).join())
        .isInstanceOf(Outcome.Hold.class);
    assertThat(processor.process(putRecords(WireProtocol.JSON, TO_SHARD_0)).join())
        .isInstanceOf(Outcome.Drop.class);
    assertThat(upstream.received).isEmpty();
    assertThat(counters.acceptedRecords(null)).isZero();
  }

  @Test
  void aSlowResponseIsProcessedAsUsualAndAnsweredLate() {
    RequestProcessor processor = processor(ShardQuotas.aws());
    faults.arm(Operation.PUT_RECORDS, 1, Fault.slowResponse(Duration.ofSeconds(7)));

    Outcome outcome = processor.process(putRecords(WireProtocol.JSON, TO_SHARD_0)).join();

    assertThat(outcome).isInstanceOf(Outcome.Respond.class);
    assertThat(((Outcome.Respond) outcome).delay()).isEqualTo(Duration.ofSeconds(7));
    assertThat(((Outcome.Respond) outcome).response().status()).isEqualTo(200);
    assertThat(upstream.received(Operation.PUT_RECORDS)).hasSize(1);
    assertThat(counters.acceptedRecords(null)).isEqualTo(1);
  }

  // ---- everything else

  @Test
  void anUnreachableServerGivesA502() throws Exception {
    RequestProcessor processor = processor(ShardQuotas.aws());
    upstream.down = true;

    ProxyResponse response =
        respond(processor, request(WireProtocol.JSON, "DescribeStreamSummary", streamBody()));

    assertThat(response.status()).isEqualTo(502);
    assertThat(WireProtocol.JSON.readObject(response.body()).get("message").asText())
        .contains("Cannot connect to the upstream");
  }

  @Test
  void writesToAStreamTheServerCannotListPassUnthrottled() {
    RequestProcessor processor = processor(ShardQuotas.aws().withWriteRecordsPerSecond(1));
    upstream.shards = List.of(); // a gap everywhere: nothing can be routed

    for (int i = 0; i < 3; i++) {
      assertThat(respond(processor, putRecords(WireProtocol.JSON, TO_SHARD_0)).status())
          .isEqualTo(200);
    }
    assertThat(upstream.received(Operation.PUT_RECORDS)).hasSize(3);
    assertThat(counters.throttledRecords(null)).isZero();
  }

  @Test
  void unparseableBodiesAndOtherOperationsPassThroughUnchanged() {
    RequestProcessor processor = processor(ShardQuotas.aws());
    ProxyRequest garbage = request(WireProtocol.CBOR, "PutRecords", new byte[] {(byte) 0xff, 1});

    respond(processor, request(WireProtocol.JSON, "ListStreams", WireProtocol.JSON.newObject()));
    processor.process(garbage).join();

    assertThat(upstream.received).hasSize(2);
    assertThat(upstream.received.get(1)).isSameAs(garbage);
    assertThat(counters.forwarded(Operation.LIST_STREAMS, false)).isEqualTo(1);
  }

  @Test
  void answersTheProxyReadsAreAskedForUncompressedAndOthersAreLeftAlone() {
    RequestProcessor processor = processor(ShardQuotas.aws());
    ProxyRequest getIterator =
        request(
            WireProtocol.JSON,
            "GetShardIterator",
            streamBody().put("ShardId", SHARD_0).put("ShardIteratorType", "LATEST"));
    getIterator.headers().set("Accept-Encoding", "gzip");
    ProxyRequest listStreams =
        request(WireProtocol.JSON, "ListStreams", WireProtocol.JSON.newObject());
    listStreams.headers().set("Accept-Encoding", "gzip");

    respond(processor, getIterator);
    respond(processor, listStreams);

    assertThat(
            upstream.received(Operation.GET_SHARD_ITERATOR).get(0).headers().get("Accept-Encoding"))
        .isNull();
    assertThat(upstream.received(Operation.LIST_STREAMS).get(0)).isSameAs(listStreams);
  }

  // ---- helpers

  private static ProxyResponse respond(RequestProcessor processor, ProxyRequest request) {
    Outcome outcome = processor.process(request).join();
    assertThat(outcome).isInstanceOf(Outcome.Respond.class);
    return ((Outcome.Respond) outcome).response();
  }

  private String shardIterator(RequestProcessor processor, WireProtocol protocol, String shard) {
    ObjectNode body = streamBody().put("ShardId", shard).put("ShardIteratorType", "TRIM_HORIZON");
    try {
      return protocol
          .readObject(respond(processor, request(protocol, "GetShardIterator", body)).body())
          .get("ShardIterator")
          .asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ProxyRequest getRecords(WireProtocol protocol, String iterator) {
    ObjectNode body = protocol.newObject().put("ShardIterator", iterator).put("Limit", 100);
    return request(protocol, "GetRecords", body);
  }

  private static ProxyRequest putRecords(WireProtocol protocol, String... explicitHashKeys) {
    ObjectNode body = PutRecordsBatchTest.request(protocol);
    for (int i = 0; i < explicitHashKeys.length; i++) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) body.get("Records"))
          .add(PutRecordsBatchTest.record(protocol, "k" + i, 8, explicitHashKeys[i]));
    }
    return request(protocol, "PutRecords", body);
  }

  private static ObjectNode streamBody() {
    return WireProtocol.JSON.newObject().put("StreamName", "orders");
  }

  private static ProxyRequest request(WireProtocol protocol, String operation, ObjectNode body) {
    return request(protocol, operation, protocol.write(body));
  }

  private static ProxyRequest request(WireProtocol protocol, String operation, byte[] body) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("X-Amz-Target", "Kinesis_20131202." + operation);
    headers.set("Content-Type", protocol.contentType());
    headers.set("Content-Length", body.length);
    headers.set(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/kinesis/aws4_request,"
            + " SignedHeaders=host, Signature=0");
    return new ProxyRequest("POST", "/", headers, body);
  }

  private static String type(WireProtocol protocol, ProxyResponse response) throws Exception {
    return protocol.readObject(response.body()).get("__type").asText();
  }
}
