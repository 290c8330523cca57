package dev.shardline.kinesis.source.reader;

import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.kinesis.config.KinesisSourceOptions.PastRetentionPolicy;
import dev.shardline.kinesis.internal.KinesisErrors;
import dev.shardline.kinesis.source.proxy.KinesisProxy;
import dev.shardline.kinesis.source.reader.ShardReadState.Phase;
import dev.shardline.kinesis.source.split.ShardPosition;
import dev.shardline.time.Time;
import dev.shardline.util.Futures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * The check either fetcher makes before a shard's first call from a restored position: the stream's
 * retention period is fetched (DescribeStreamSummary, once per stream) and a position past it fails
 * the reader or restarts the shard at TRIM_HORIZON ({@code restore.pastRetention}). Reader thread
 * only.
 */
final class RetentionCheck {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionCheck.class);

  private final ShardFetcher.Batches batches;
  private final ReaderSettings settings;
  private final Time time;
  private final String region;
  private final Consumer<ShardReadState> ready;
  private final Consumer<ShardReadState> retry;
  private final Map<String, Duration> retentionByStream = new HashMap<>();
  private final Map<String, List<ShardReadState>> awaitingRetention = new HashMap<>();

  /**
   * A check.
   *
   * @param ready takes a shard that waited for its stream's retention and may start now
   * @param retry takes a shard that waited for a retention that could not be fetched: it should ask
   *     again after a backoff
   */
  RetentionCheck(
      ShardFetcher.Batches batches,
      ReaderSettings settings,
      Time time,
      String region,
      Consumer<ShardReadState> ready,
      Consumer<ShardReadState> retry) {
    this.batches = batches;
    this.settings = settings;
    this.time = time;
    this.region = region;
    this.ready = ready;
    this.retry = retry;
  }

  /**
   * Whether the shard may make its first call now; false while the stream's retention is being
   * fetched (then it is handed to {@code ready} or {@code retry}) or when the reader was failed.
   */
  boolean mayStart(KinesisProxy proxy, ShardReadState shard) {
    String stream = shard.split.stream();
    Duration retention = retentionByStream.get(stream);
    if (retention == null) {
      List<ShardReadState> waiting = awaitingRetention.get(stream);
      shard.phase = Phase.AWAITING_RETENTION;
      if (waiting != null) {
        waiting.add(shard);
        return false;
      }
      waiting = new ArrayList<>();
      waiting.add(shard);
      awaitingRetention.put(stream, waiting);
      CompletableFuture<StreamDescriptionSummary> call;
      try {
        call = proxy.describeStreamSummary(stream);
      } catch (RuntimeException e) {
        call = CompletableFuture.failedFuture(e);
      }
      call.whenComplete(
          (summary, error) -> batches.onReaderThread(() -> onRetention(stream, summary, error)));
      return false;
    }
    shard.checkRetention = false;
    long arrival = shard.position().arrivalMillis();
    long age = time.milliseconds() - arrival;
    if (arrival < 0 || age <= retention.toMillis()) {
      return true;
    }
    String message =
        "The position of stream "
            + stream
            + " shard "
            + shard.split.shardId()
            + " to resume from ("
            + shard.position()
            + ", a record that arrived at "
            + Instant.ofEpochMilli(arrival)
            + ") is older than the stream's retention period of "
            + retention.toHours()
            + "h: the records after it may have been deleted.";
    if (settings.pastRetention() == PastRetentionPolicy.FAIL) {
      batches.fail(
          new ShardlineException(
              message
                  + " Set restore.pastRetention: trim-horizon to restart this shard at its oldest"
                  + " record (accepting that records may be lost), or restore a newer"
                  + " checkpoint"));
      return false;
    }
    LOG.error(
        "{} restore.pastRetention is trim-horizon: restarting it at its oldest record; RECORDS"
            + " MAY HAVE BEEN LOST",
        message);
    shard.position(ShardPosition.trimHorizon());
    return true;
  }

  private void onRetention(String stream, StreamDescriptionSummary summary, Throwable error) {
    List<ShardReadState> waiting = awaitingRetention.remove(stream);
    if (error != null) {
      ShardlineException classified = KinesisErrors.classify(error);
      if (FetchErrors.failsForGood(
          batches, classified, "DescribeStreamSummary on stream " + stream, stream, region)) {
        return;
      }
      if (!(classified instanceof RetriableException)) {
        batches.fail(
            new ShardlineException(
                "DescribeStreamSummary on stream "
                    + stream
                    + " failed: "
                    + KinesisErrors.describe(error),
                Futures.unwrap(error)));
        return;
      }
      // try again with the next due shard
      for (ShardReadState shard : waiting) {
        if (batches.isCurrent(shard)) {
          retry.accept(shard);
        }
      }
      return;
    }
    retentionByStream.put(stream, Duration.ofHours(summary.retentionPeriodHours()));
    for (ShardReadState shard : waiting) {
      if (batches.isCurrent(shard)) {
        ready.accept(shard);
      }
    }
  }
}
