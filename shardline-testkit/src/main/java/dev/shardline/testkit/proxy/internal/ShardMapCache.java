package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The shard maps of the streams clients write to, listed from the upstream with ListShards (JSON,
 * paged) and cached per stream name. A map is listed again when it is older than the time to live,
 * when a record maps to no open shard of it, and after a CreateStream, DeleteStream, SplitShard,
 * MergeShards or UpdateShardCount went through the proxy. Resharding completes on the server a
 * while after the call returned, so after one the map is re-listed often (every {@link
 * #RESHARD_TTL}) until its open shards change, for at most {@link #RESHARD_WATCH}.
 *
 * <p>The proxy lists with the headers of the client request that needed the map (Authorization,
 * X-Amz-Date, ...): local servers do not check signatures, but take region and account from them.
 * Concurrent requests for one stream share one listing. Thread-safe.
 */
public final class ShardMapCache {
  static final Duration RESHARD_TTL = Duration.ofMillis(200);
  static final Duration RESHARD_WATCH = Duration.ofSeconds(60);
  private static final int PAGE_SIZE = 1000;
  private static final List<String> COPIED_HEADERS =
      List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "Host", "User-Agent");

  private record Entry(CompletableFuture<ShardMap> map, long listedAt) {}

  private record Reshard(long until, Set<String> openBefore) {}

  private final Upstream upstream;
  private final long ttl;
  private final LongSupplier clock;
  private final CounterBook counters;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Reshard> resharding = new ConcurrentHashMap<>();

  public ShardMapCache(Upstream upstream, Duration ttl, LongSupplier clock, CounterBook counters) {
    this.upstream = upstream;
    this.ttl = ttl.toNanos();
    this.clock = clock;
    this.counters = counters;
  }

  /** The stream's shard map, cached or listed now; fails when the upstream cannot list it. */
  public CompletableFuture<ShardMap> get(StreamId stream, HttpHeaders headers) {
    Entry entry = entries.get(stream.name());
    if (entry != null && isUsable(entry, stream.name())) {
      return entry.map();
    }
    return list(stream, headers, entry);
  }

  /**
   * A map listed after {@code stale} was: lists again, unless another request already did (or is
   * doing) so.
   */
  public CompletableFuture<ShardMap> refresh(StreamId stream, HttpHeaders headers, ShardMap stale) {
    Entry entry = entries.get(stream.name());
    if (entry != null
        && (!entry.map().isDone()
            || (!entry.map().isCompletedExceptionally() && entry.map().join() != stale))) {
      return entry.map();
    }
    return list(stream, headers, entry);
  }

  /**
   * Forgets the stream's map; with {@code resharding}, also re-lists it often until its open shards
   * change.
   */
  public void invalidate(String stream, boolean reshard) {
    Entry old = entries.remove(stream);
    if (reshard) {
      Set<String> openBefore = null;
      if (old != null && old.map().isDone() && !old.map().isCompletedExceptionally()) {
        openBefore = old.map().join().openShardIds();
      }
      resharding.put(stream, new Reshard(clock.getAsLong() + RESHARD_WATCH.toNanos(), openBefore));
    } else {
      resharding.remove(stream);
    }
  }

  private boolean isUsable(Entry entry, String stream) {
    if (!entry.map().isDone()) {
      return true;
    }
    if (entry.map().isCompletedExceptionally()) {
      return false;
    }
    long now = clock.getAsLong();
    Reshard reshard = resharding.get(stream);
    long timeToLive = reshard != null && now < reshard.until() ? RESHARD_TTL.toNanos() : ttl;
    return now - entry.listedAt() < timeToLive;
  }

  private CompletableFuture<ShardMap> list(StreamId stream, HttpHeaders clientHeaders, Entry seen) {
    CompletableFuture<ShardMap> listing = new CompletableFuture<>();
    Entry mine = new Entry(listing, clock.getAsLong());
    Entry current =
        entries.compute(
            stream.name(),
            (name, now) -> now != null && now != seen && isUsable(now, name) ? now : mine);
    if (current != mine) {
      return current.map();
    }
    counters.shardMapRefreshed();
    List<ShardMap.Lineage> listed = new ArrayList<>();
    listPage(stream, headersFrom(clientHeaders), null, listed)
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                entries.remove(stream.name(), mine);
                listing.completeExceptionally(error);
              } else {
                ShardMap map = ShardMap.ofListed(listed);
                noteListed(stream.name(), map);
                listing.complete(map);
              }
            });
    return listing;
  }

  private void noteListed(String stream, ShardMap map) {
    Reshard reshard = resharding.get(stream);
    if (reshard != null
        && ((reshard.openBefore() != null && !reshard.openBefore().equals(map.openShardIds()))
            || clock.getAsLong() >= reshard.until())) {
      resharding.remove(stream, reshard);
    }
  }

  private CompletableFuture<Void> listPage(
      StreamId stream, HttpHeaders headers, String nextToken, List<ShardMap.Lineage> listed) {
    ObjectNode body = WireProtocol.JSON.newObject();
    if (nextToken != null) {
      body.put("NextToken", nextToken);
    } else if (stream.arn() != null) {
      body.put("StreamARN", stream.arn());
    } else {
      body.put("StreamName", stream.name());
    }
    body.put("MaxResults", PAGE_SIZE);
    byte[] bytes = WireProtocol.JSON.write(body);
    HttpHeaders pageHeaders = headers.copy();
    pageHeaders.set("Content-Length", bytes.length);
    return upstream
        .send(new ProxyRequest("POST", "/", pageHeaders, bytes))
        .thenCompose(
            response -> {
              String next;
              try {
                next = collectShards(stream, response, listed);
              } catch (IOException e) {
                throw new CompletionException(e);
              }
              return next == null
                  ? CompletableFuture.completedFuture(null)
                  : listPage(stream, headers, next, listed);
            });
  }

  /** Adds the page's shards; the next page's token, or null after the last page. */
  private static String collectShards(
      StreamId stream, ProxyResponse response, List<ShardMap.Lineage> listed) throws IOException {
    if (response.status() != 200) {
      throw new IOException(
          "ListShards of stream "
              + stream.name()
              + " answered "
              + response.status()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    ObjectNode page = response.protocol().orElse(WireProtocol.JSON).readObject(response.body());
    JsonNode shards = page.get("Shards");
    if (shards != null) {
      for (JsonNode shard : shards) {
        JsonNode ending = shard.path("SequenceNumberRange").get("EndingSequenceNumber");
        JsonNode range = shard.path("HashKeyRange");
        listed.add(
            new ShardMap.Lineage(
                shard.path("ShardId").asText(),
                StreamId.text(shard.get("ParentShardId")),
                StreamId.text(shard.get("AdjacentParentShardId")),
                new BigInteger(range.path("StartingHashKey").asText()),
                new BigInteger(range.path("EndingHashKey").asText()),
                ending != null && !ending.isNull()));
      }
    }
    String next = StreamId.text(page.get("NextToken"));
    return next == null || next.isEmpty() ? null : next;
  }

  private static HttpHeaders headersFrom(HttpHeaders client) {
    HttpHeaders headers = new DefaultHttpHeaders();
    for (String name : COPIED_HEADERS) {
      String value = client.get(name);
      if (value != null) {
        headers.set(name, value);
      }
    }
    headers.set("Content-Type", WireProtocol.JSON.contentType());
    headers.set(ProxyRequest.TARGET, "Kinesis_20131202.ListShards");
    return headers;
  }
}
