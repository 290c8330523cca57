package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.testkit.proxy.Operation;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A hand-written in-memory stand-in for the upstream server: answers ListShards, PutRecords,
 * PutRecord, GetShardIterator, GetRecords (and anything else with {@code {}}) in the request's
 * protocol, and records every request it gets.
 */
final class FakeKinesis implements Upstream {
  static final BigInteger HALF = new BigInteger("170141183460469231731687303715884105726");

  final List<ProxyRequest> received = new CopyOnWriteArrayList<>();
  volatile List<ShardMap.OpenShard> shards =
      List.of(
          new ShardMap.OpenShard("shardId-000000000000", BigInteger.ZERO, HALF),
          new ShardMap.OpenShard("shardId-000000000001", HALF.add(BigInteger.ONE), HashKeys.MAX));
  volatile int dataBytesPerGet = 10;
  volatile boolean down;

  /** When not 200: the status PutRecords and PutRecord are answered with, as a whole. */
  volatile int writeStatus = 200;

  /** Whether PutRecords and PutRecord get no answer (the connection drops); others are served. */
  volatile boolean dropWrites;

  private final AtomicInteger sequence = new AtomicInteger();

  List<ProxyRequest> received(Operation operation) {
    return received.stream()
        .filter(request -> request.operation() == operation)
        .collect(Collectors.toList());
  }

  @Override
  public CompletableFuture<ProxyResponse> send(ProxyRequest request) {
    received.add(request);
    if (down) {
      return CompletableFuture.failedFuture(
          new UpstreamException("Cannot connect to the upstream: refused", true, null));
    }
    WireProtocol protocol = request.protocol().orElse(WireProtocol.JSON);
    Operation operation = request.operation();
    boolean write = operation == Operation.PUT_RECORDS || operation == Operation.PUT_RECORD;
    if (write && dropWrites) {
      return CompletableFuture.failedFuture(
          new UpstreamException("The upstream closed the connection before answering", true, null));
    }
    if (write && writeStatus != 200) {
      return CompletableFuture.completedFuture(
          AwsErrors.error(protocol, writeStatus, "InternalFailure", "the fake failed the write"));
    }
    ObjectNode body;
    try {
      body = protocol.readObject(request.body());
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          AwsErrors.error(protocol, 400, "SerializationException", e.getMessage()));
    }
    return CompletableFuture.completedFuture(ok(protocol, answer(protocol, request, body)));
  }

  private ObjectNode answer(WireProtocol protocol, ProxyRequest request, ObjectNode body) {
    ObjectNode answer = protocol.newObject();
    switch (request.operation()) {
      case LIST_SHARDS:
        ArrayNode listed = answer.putArray("Shards");
        for (ShardMap.OpenShard shard : shards) {
          ObjectNode entry = listed.addObject().put("ShardId", shard.shardId());
          entry
              .putObject("HashKeyRange")
              .put("StartingHashKey", shard.startingHashKey().toString())
              .put("EndingHashKey", shard.endingHashKey().toString());
          entry.putObject("SequenceNumberRange").put("StartingSequenceNumber", "0");
        }
        answer.putNull("NextToken");
        return answer;
      case PUT_RECORDS:
        answer.put("FailedRecordCount", 0);
        ArrayNode results = answer.putArray("Records");
        for (JsonNode record : body.get("Records")) {
          results
              .addObject()
              .put("SequenceNumber", String.valueOf(sequence.incrementAndGet()))
              .put("ShardId", shardOf(record));
        }
        answer.put("EncryptionType", "NONE");
        return answer;
      case PUT_RECORD:
        return answer
            .put("SequenceNumber", String.valueOf(sequence.incrementAndGet()))
            .put("ShardId", shardOf(body));
      case GET_SHARD_ITERATOR:
        return answer.put("ShardIterator", "iterator-" + sequence.incrementAndGet());
      case GET_RECORDS:
        ObjectNode record = answer.putArray("Records").addObject();
        record.put("PartitionKey", "k").put("SequenceNumber", "1");
        if (protocol == WireProtocol.CBOR) {
          record.put("Data", new byte[dataBytesPerGet]);
        } else {
          record.put(
              "Data", java.util.Base64.getEncoder().encodeToString(new byte[dataBytesPerGet]));
        }
        answer.put("NextShardIterator", "iterator-" + sequence.incrementAndGet());
        return answer.put("MillisBehindLatest", 0);
      default:
        return answer;
    }
  }

  private String shardOf(JsonNode record) {
    BigInteger hashKey =
        record.hasNonNull("ExplicitHashKey")
            ? new BigInteger(record.get("ExplicitHashKey").asText())
            : HashKeys.ofPartitionKey(record.get("PartitionKey").asText());
    return ShardMap.of(shards)
        .shardFor(hashKey)
        .orElse("shardId-of-a-stream-the-proxy-cannot-list");
  }

  private static ProxyResponse ok(WireProtocol protocol, ObjectNode answer) {
    byte[] bytes = protocol.write(answer);
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("Content-Type", protocol.contentType());
    headers.set("Content-Length", bytes.length);
    return new ProxyResponse(200, headers, bytes);
  }
}
