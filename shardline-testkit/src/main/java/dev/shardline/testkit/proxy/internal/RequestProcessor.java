package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.Operation;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what happens to each client request: an armed fault, the write and read quotas, or plain
 * forwarding; rewrites PutRecords around throttled records; learns shard maps and iterators on the
 * way. Knows nothing of sockets (the server applies the {@link Outcome}). Thread-safe.
 */
public final class RequestProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);
  private static final String INJECTED = " (injected by KinesisQuotaProxy)";

  private final Upstream upstream;
  private final FaultSchedule faults;
  private final CounterBook counters;
  private final QuotaBook quotas;
  private final ShardMapCache shardMaps;
  private final IteratorRegistry iterators;
  private final Subscriptions subscriptions;
  private final String account;

  public RequestProcessor(
      Upstream upstream,
      FaultSchedule faults,
      CounterBook counters,
      QuotaBook quotas,
      ShardMapCache shardMaps,
      IteratorRegistry iterators,
      Subscriptions subscriptions,
      String account) {
    this.upstream = upstream;
    this.faults = faults;
    this.counters = counters;
    this.quotas = quotas;
    this.shardMaps = shardMaps;
    this.iterators = iterators;
    this.subscriptions = subscriptions;
    this.account = account;
  }

  /** What to do with {@code request}; never completes exceptionally. */
  public CompletableFuture<Outcome> process(ProxyRequest request) {
    Operation operation = request.operation();
    Optional<Fault> fault = faults.take(operation);
    CompletableFuture<Outcome> outcome;
    try {
      outcome =
          fault.isPresent() ? inject(request, operation, fault.get()) : handle(request, operation);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome.exceptionally(error -> Outcome.respond(failure(request, operation, error)));
  }

  private CompletableFuture<Outcome> handle(ProxyRequest request, Operation operation) {
    switch (operation) {
      case PUT_RECORDS:
        return putRecords(request);
      case PUT_RECORD:
        return putRecord(request);
      case GET_RECORDS:
        return getRecords(request);
      case GET_SHARD_ITERATOR:
        return respondWith(getShardIterator(request));
      case SUBSCRIBE_TO_SHARD:
        return subscribeToShard(request);
      case CREATE_STREAM:
      case DELETE_STREAM:
      case SPLIT_SHARD:
      case MERGE_SHARDS:
      case UPDATE_SHARD_COUNT:
        return respondWith(reshape(request, operation));
      default:
        return respondWith(forward(request, operation));
    }
  }

  private CompletableFuture<Outcome> inject(
      ProxyRequest request, Operation operation, Fault fault) {
    counters.injected(fault.kind());
    LOG.debug("Injecting {} into {}", fault, operation);
    WireProtocol protocol = protocolOf(request);
    switch (fault.kind()) {
      case INTERNAL_ERROR:
        return answer(
            AwsErrors.error(
                protocol, 500, AwsErrors.INTERNAL_FAILURE, "Internal service failure" + INJECTED));
      case SERVICE_UNAVAILABLE:
        return answer(
            AwsErrors.error(
                protocol, 503, AwsErrors.SERVICE_UNAVAILABLE, "Service unavailable" + INJECTED));
      case LIMIT_EXCEEDED:
        return answer(
            AwsErrors.error(protocol, 400, AwsErrors.LIMIT_EXCEEDED, "Rate exceeded" + INJECTED));
      case RESOURCE_IN_USE:
        return answer(
            AwsErrors.error(
                protocol, 400, AwsErrors.RESOURCE_IN_USE, "Resource in use" + INJECTED));
      case EXPIRED_ITERATOR:
        return answer(
            AwsErrors.error(
                protocol, 400, AwsErrors.EXPIRED_ITERATOR, "Iterator expired" + INJECTED));
      case TIMEOUT:
        return CompletableFuture.completedFuture(new Outcome.Hold());
      case DROP_CONNECTION:
        return CompletableFuture.completedFuture(new Outcome.Drop());
      case SLOW_RESPONSE:
        return handle(request, operation)
            .thenApply(
                outcome ->
                    outcome instanceof Outcome.Respond
                        ? new Outcome.Respond(((Outcome.Respond) outcome).response(), fault.delay())
                        : outcome);
      default:
        throw new IllegalStateException("Unknown fault " + fault);
    }
  }

  // ---- writes

  private CompletableFuture<Outcome> putRecords(ProxyRequest request) {
    Optional<WireProtocol> protocol = request.protocol();
    Optional<PutRecordsBatch> parsed =
        protocol.flatMap(p -> parse(p, request)).flatMap(PutRecordsBatch::parse);
    if (parsed.isEmpty()) {
      return respondWith(forward(request, Operation.PUT_RECORDS));
    }
    PutRecordsBatch batch = parsed.get();
    WireProtocol wire = protocol.get();
    return route(batch.stream(), batch.hashKeys(), request)
        .thenCompose(
            shards -> {
              if (shards.isEmpty()) {
                return respondWith(forward(request, Operation.PUT_RECORDS));
              }
              QuotaBook.WriteAdmission admission = quotas.admit(shards.get(), batch.sizes());
              boolean[] accepted = admission.accepted();
              String[] messages = count(batch.stream(), shards.get(), accepted);
              int acceptedCount = 0;
              for (boolean a : accepted) {
                acceptedCount += a ? 1 : 0;
              }
              if (acceptedCount == 0) {
                ObjectNode all = batch.mergeResponse(wire, null, accepted, messages);
                return answer(AwsErrors.ok(wire, wire.write(all)));
              }
              Runnable refund = () -> refund(admission, shards.get(), accepted);
              if (acceptedCount == accepted.length) {
                return respondWith(forwardWrite(request, Operation.PUT_RECORDS, refund));
              }
              ProxyRequest rewritten =
                  request.withBody(wire.write(batch.acceptedOnly(accepted))).uncompressedAnswer();
              return respondWith(
                  forwardWrite(rewritten, Operation.PUT_RECORDS, refund)
                      .thenApply(response -> merge(batch, response, accepted, messages)));
            });
  }

  private static ProxyResponse merge(
      PutRecordsBatch batch, ProxyResponse response, boolean[] accepted, String[] messages) {
    Optional<WireProtocol> protocol = response.protocol();
    if (response.status() != 200 || protocol.isEmpty()) {
      return response; // the call failed as a whole: so it does for the client
    }
    try {
      ObjectNode upstream = protocol.get().readObject(response.body());
      ObjectNode merged = batch.mergeResponse(protocol.get(), upstream, accepted, messages);
      return response.withBody(protocol.get().write(merged));
    } catch (IOException e) {
      throw new CompletionException(e);
    }
  }

  /** Counts accepted and throttled records per shard; the error message of each rejected one. */
  private String[] count(StreamId stream, List<ShardRef> shards, boolean[] accepted) {
    String[] messages = new String[accepted.length];
    for (int i = 0; i < accepted.length; i++) {
      if (!accepted[i]) {
        messages[i] = AwsErrors.writeThrottledMessage(shards.get(i), stream.account(account));
      }
    }
    tally(shards, accepted)
        .forEach(
            (shard, n) -> {
              if (n[0] > 0) {
                counters.acceptedRecords(shard, n[0]);
              }
              if (n[1] > 0) {
                counters.throttledRecords(shard, n[1]);
              }
            });
    return messages;
  }

  /** Per shard, how many records were accepted ([0]) and throttled ([1]). */
  private static Map<ShardRef, long[]> tally(List<ShardRef> shards, boolean[] accepted) {
    Map<ShardRef, long[]> perShard = new LinkedHashMap<>();
    for (int i = 0; i < accepted.length; i++) {
      perShard.computeIfAbsent(shards.get(i), s -> new long[2])[accepted[i] ? 0 : 1]++;
    }
    return perShard;
  }

  /**
   * Forwards an admitted write; when the server fails it as a whole (no answer, or an answer other
   * than 200), its records were not written: their quota and count are given back.
   */
  private CompletableFuture<ProxyResponse> forwardWrite(
      ProxyRequest request, Operation operation, Runnable refund) {
    return forward(request, operation)
        .whenComplete(
            (response, error) -> {
              if (error != null || response.status() != 200) {
                refund.run();
              }
            });
  }

  private void refund(
      QuotaBook.WriteAdmission admission, List<ShardRef> shards, boolean[] accepted) {
    admission.refund();
    tally(shards, accepted)
        .forEach(
            (shard, n) -> {
              if (n[0] > 0) {
                counters.acceptedRecords(shard, -n[0]);
              }
            });
  }

  private CompletableFuture<Outcome> putRecord(ProxyRequest request) {
    Optional<WireProtocol> protocol = request.protocol();
    Optional<ObjectNode> body = protocol.flatMap(p -> parse(p, request));
    Optional<StreamId> stream = body.flatMap(StreamId::of);
    Optional<PutRecordsBatch.WriteCost> cost = body.flatMap(PutRecordsBatch.WriteCost::of);
    if (stream.isEmpty() || cost.isEmpty()) {
      return respondWith(forward(request, Operation.PUT_RECORD));
    }
    return route(stream.get(), new BigInteger[] {cost.get().hashKey()}, request)
        .thenCompose(
            shards -> {
              if (shards.isEmpty()) {
                return respondWith(forward(request, Operation.PUT_RECORD));
              }
              ShardRef shard = shards.get().get(0);
              QuotaBook.WriteAdmission admission =
                  quotas.admit(shards.get(), new long[] {cost.get().bytes()});
              if (admission.accepted()[0]) {
                counters.acceptedRecords(shard, 1);
                return respondWith(
                    forwardWrite(
                        request,
                        Operation.PUT_RECORD,
                        () -> refund(admission, shards.get(), admission.accepted())));
              }
              counters.throttledPutRecordCall(shard);
              return answer(
                  AwsErrors.error(
                      protocol.get(),
                      400,
                      AwsErrors.THROUGHPUT_EXCEEDED,
                      AwsErrors.writeThrottledMessage(shard, stream.get().account(account))));
            });
  }

  /**
   * The shard of each hash key, from the stream's open shards; listed again once when a key falls
   * in no open shard. Empty when the stream cannot be listed or still has a gap: the request is
   * then forwarded unthrottled, for the server to answer.
   */
  private CompletableFuture<Optional<List<ShardRef>>> route(
      StreamId stream, BigInteger[] hashKeys, ProxyRequest request) {
    return shardMaps
        .get(stream, request.headers())
        .thenCompose(
            map -> {
              Optional<List<ShardRef>> routed = route(stream, map, hashKeys);
              if (routed.isPresent()) {
                return CompletableFuture.completedFuture(routed);
              }
              return shardMaps
                  .refresh(stream, request.headers(), map)
                  .thenApply(fresh -> route(stream, fresh, hashKeys));
            })
        .exceptionally(
            error -> {
              LOG.debug(
                  "Not throttling writes to {}: cannot list its shards", stream.name(), error);
              return Optional.empty();
            });
  }

  private static Optional<List<ShardRef>> route(
      StreamId stream, ShardMap map, BigInteger[] hashKeys) {
    List<ShardRef> shards = new ArrayList<>(hashKeys.length);
    Map<String, ShardRef> refs = new LinkedHashMap<>();
    for (BigInteger hashKey : hashKeys) {
      Optional<String> shardId = map.shardFor(hashKey);
      if (shardId.isEmpty()) {
        return Optional.empty();
      }
      shards.add(refs.computeIfAbsent(shardId.get(), id -> new ShardRef(stream.name(), id)));
    }
    return Optional.of(Collections.unmodifiableList(shards));
  }

  // ---- reads

  private CompletableFuture<ProxyResponse> getShardIterator(ProxyRequest request) {
    Optional<WireProtocol> protocol = request.protocol();
    Optional<ObjectNode> body = protocol.flatMap(p -> parse(p, request));
    Optional<StreamId> stream = body.flatMap(StreamId::of);
    String shardId = body.map(b -> StreamId.text(b.get("ShardId"))).orElse(null);
    if (stream.isEmpty() || shardId == null) {
      return forward(request, Operation.GET_SHARD_ITERATOR);
    }
    CompletableFuture<ProxyResponse> answer =
        forward(request.uncompressedAnswer(), Operation.GET_SHARD_ITERATOR);
    ShardRef shard = new ShardRef(stream.get().name(), shardId);
    return answer.thenApply(
        response -> {
          Optional<WireProtocol> answerProtocol = response.protocol();
          if (response.status() == 200 && answerProtocol.isPresent()) {
            try {
              String iterator =
                  StreamId.text(
                      answerProtocol.get().readObject(response.body()).get("ShardIterator"));
              if (iterator != null) {
                iterators.remember(iterator, shard);
              }
            } catch (IOException e) {
              LOG.debug("Unreadable GetShardIterator answer for {}", shard, e);
            }
          }
          return response;
        });
  }

  private CompletableFuture<Outcome> getRecords(ProxyRequest request) {
    Optional<WireProtocol> protocol = request.protocol();
    Optional<ShardRef> shard =
        protocol
            .flatMap(p -> parse(p, request))
            .map(body -> StreamId.text(body.get("ShardIterator")))
            .flatMap(iterators::shardOf);
    if (shard.isEmpty()) {
      return respondWith(forward(request, Operation.GET_RECORDS));
    }
    ShardRef ref = shard.get();
    if (!quotas.admitRead(ref)) {
      counters.throttledGetRecordsCall(ref);
      return answer(
          AwsErrors.error(
              protocol.get(),
              400,
              AwsErrors.THROUGHPUT_EXCEEDED,
              AwsErrors.readThrottledMessage(ref, account)));
    }
    return respondWith(
        forward(request.uncompressedAnswer(), Operation.GET_RECORDS)
            .thenApply(
                response -> {
                  Optional<WireProtocol> answerProtocol = response.protocol();
                  if (response.status() == 200 && answerProtocol.isPresent()) {
                    try {
                      GetRecordsScan scan =
                          GetRecordsScan.scan(answerProtocol.get(), response.body());
                      quotas.chargeRead(ref, scan.dataBytes());
                      if (scan.nextShardIterator() != null) {
                        iterators.remember(scan.nextShardIterator(), ref);
                      }
                    } catch (IOException e) {
                      LOG.debug("Unreadable GetRecords answer for {}", ref, e);
                    }
                  }
                  return response;
                }));
  }

  // ---- enhanced fan-out

  /**
   * A refusal armed for the shard, the call quota (1 per second per consumer and shard), else the
   * event stream is relayed. A body without consumer ARN or shard is relayed unchecked, for the
   * server to answer.
   */
  private CompletableFuture<Outcome> subscribeToShard(ProxyRequest request) {
    Optional<SubscriptionKey> parsed =
        request.protocol().flatMap(p -> parse(p, request)).flatMap(SubscriptionKey::of);
    if (parsed.isEmpty()) {
      return respondWith(forward(request, Operation.SUBSCRIBE_TO_SHARD));
    }
    SubscriptionKey key = parsed.get();
    if (subscriptions.takeRefusal(key.shard())) {
      counters.injected(Fault.Kind.RESOURCE_IN_USE);
      return answer(
          AwsErrors.error(
              protocolOf(request),
              400,
              AwsErrors.RESOURCE_IN_USE,
              "Consumer "
                  + key.consumerArn()
                  + " is not ACTIVE; cannot subscribe to "
                  + key.shard().shardId()
                  + INJECTED));
    }
    if (!subscriptions.admit(key)) {
      counters.throttledSubscribeCall(key.shard());
      return answer(
          AwsErrors.error(
              protocolOf(request),
              400,
              AwsErrors.LIMIT_EXCEEDED,
              AwsErrors.subscribeThrottledMessage(key)));
    }
    counters.forwarded(Operation.SUBSCRIBE_TO_SHARD);
    return CompletableFuture.completedFuture(new Outcome.Subscribe(key));
  }

  // ---- stream and shard changes

  private CompletableFuture<ProxyResponse> reshape(ProxyRequest request, Operation operation) {
    Optional<StreamId> stream =
        request.protocol().flatMap(p -> parse(p, request)).flatMap(StreamId::of);
    return forward(request, operation)
        .thenApply(
            response -> {
              if (stream.isPresent() && response.status() == 200) {
                String name = stream.get().name();
                boolean reshard = operation != Operation.CREATE_STREAM;
                if (operation == Operation.DELETE_STREAM) {
                  quotas.forget(name);
                  iterators.forget(name);
                  reshard = false;
                }
                shardMaps.invalidate(name, reshard);
              }
              return response;
            });
  }

  // ---- plumbing

  private CompletableFuture<ProxyResponse> forward(ProxyRequest request, Operation operation) {
    counters.forwarded(operation);
    return upstream.send(request);
  }

  private static Optional<ObjectNode> parse(WireProtocol protocol, ProxyRequest request) {
    try {
      return Optional.of(protocol.readObject(request.body()));
    } catch (IOException e) {
      return Optional.empty(); // the server will refuse it in its own words
    }
  }

  private static WireProtocol protocolOf(ProxyRequest request) {
    return request.protocol().orElse(WireProtocol.JSON);
  }

  private static CompletableFuture<Outcome> answer(ProxyResponse response) {
    return CompletableFuture.completedFuture(Outcome.respond(response));
  }

  private static CompletableFuture<Outcome> respondWith(CompletableFuture<ProxyResponse> response) {
    return response.thenApply(Outcome::respond);
  }

  private ProxyResponse failure(ProxyRequest request, Operation operation, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof UpstreamException) {
      LOG.warn("{} failed: {}", operation, cause.getMessage());
      return AwsErrors.error(
          protocolOf(request), 502, AwsErrors.INTERNAL_FAILURE, cause.getMessage());
    }
    LOG.error("KinesisQuotaProxy failed on {}", operation, cause);
    return AwsErrors.error(
        protocolOf(request),
        500,
        AwsErrors.INTERNAL_FAILURE,
        "KinesisQuotaProxy failed on " + operation + ": " + cause);
  }
}
