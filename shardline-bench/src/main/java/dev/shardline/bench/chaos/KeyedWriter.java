package dev.shardline.bench.chaos;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes records into the stream at a steady rate, each key's records numbered 0, 1, 2, ...: the
 * record {@code key-7:41:xxxx} is key 7's 42nd. A key's counter moves on only when Kinesis has
 * accepted its record, and a batch holds at most one record per key, so a throttled record is sent
 * again before the next of its key: the stream holds each key's records in counter order.
 *
 * <p>A call that fails outright (not a per-record refusal) may or may not have written its records;
 * they are sent again with the same counters and the call is counted as {@link #ambiguousCalls()}.
 * The verification reads the stream back, so such a record's second copy in the stream is not
 * counted against the pipelines.
 *
 * <p>One thread writes ({@link #run()}); the counters may be read from any thread.
 */
final class KeyedWriter implements Runnable {
  private static final long TICK_MILLIS = 200;

  private final KinesisClient client;
  private final String stream;
  private final int keys;
  private final int rate;
  private final String padding;
  private final AtomicLongArray next;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong ambiguous = new AtomicLong();
  private volatile String lastError = "";
  private int cursor;

  KeyedWriter(KinesisClient client, String stream, int keys, int rate, int recordBytes) {
    this.client = client;
    this.stream = stream;
    this.keys = keys;
    this.rate = rate;
    this.next = new AtomicLongArray(keys);
    // "key-NNN:NNNNNN:" is about 16 characters; the rest is padding
    this.padding = "x".repeat(Math.max(0, recordBytes - 16));
  }

  static String key(int k) {
    return "key-" + k;
  }

  /** The record's text: key, counter, padding. */
  String value(int k, long counter) {
    return key(k) + ":" + counter + ":" + padding;
  }

  @Override
  public void run() {
    Deque<Integer> retry = new ArrayDeque<>();
    double budget = 0;
    long tick = System.nanoTime();
    long last = tick;
    while (running.get()) {
      // the budget grows with the time that passed (a slow call does not lower the rate), up to
      // one second's worth
      long now = System.nanoTime();
      budget = Math.min(budget + rate * (now - last) / 1e9, Math.max(rate, 1));
      last = now;
      Set<Integer> batch = new LinkedHashSet<>();
      while (!retry.isEmpty() && batch.size() < 500) {
        batch.add(retry.poll());
      }
      while (budget >= 1 && batch.size() < Math.min(keys, 500)) {
        int k = cursor;
        cursor = (cursor + 1) % keys;
        if (batch.add(k)) {
          budget--;
        } else {
          break; // every key is in the batch once already
        }
      }
      if (!batch.isEmpty()) {
        send(new ArrayList<>(batch), retry);
      }
      tick += TICK_MILLIS * 1_000_000;
      long sleep = (tick - System.nanoTime()) / 1_000_000;
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      } else {
        tick = System.nanoTime(); // fell behind (a slow call): no burst to catch up
      }
    }
  }

  private void send(List<Integer> batch, Deque<Integer> retry) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
    for (int k : batch) {
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(key(k))
              .data(SdkBytes.fromUtf8String(value(k, next.get(k))))
              .build());
    }
    PutRecordsResponse response;
    try {
      response = client.putRecords(b -> b.streamName(stream).records(entries));
    } catch (RuntimeException e) {
      ambiguous.incrementAndGet();
      lastError = e.toString();
      retry.addAll(batch);
      pause(1000);
      return;
    }
    List<PutRecordsResultEntry> results = response.records();
    for (int i = 0; i < batch.size(); i++) {
      int k = batch.get(i);
      if (results.get(i).errorCode() == null) {
        next.incrementAndGet(k);
        acknowledged.incrementAndGet();
      } else {
        refused.incrementAndGet();
        retry.add(k);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends the loop after the call in flight; the caller joins the thread. */
  void stop() {
    running.set(false);
  }

  /** Records Kinesis accepted. */
  long acknowledged() {
    return acknowledged.get();
  }

  /** Records Kinesis refused (throttled) and that were sent again. */
  long refused() {
    return refused.get();
  }

  /** Calls that failed outright (their records' fate unknown; sent again). */
  long ambiguousCalls() {
    return ambiguous.get();
  }

  /** The last outright failure, or empty. */
  String lastError() {
    return lastError;
  }

  /** How many records of key {@code k} Kinesis accepted: its counters 0 to this minus 1. */
  long acknowledged(int k) {
    return next.get(k);
  }

  int keys() {
    return keys;
  }
}
