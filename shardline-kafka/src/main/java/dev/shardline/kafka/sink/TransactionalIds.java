package dev.shardline.kafka.sink;

import dev.shardline.api.ShardlineException;
import dev.shardline.kafka.internal.HangingTransactions;
import dev.shardline.kafka.internal.KafkaErrors;
import dev.shardline.kafka.sink.internal.TransactionalProducer;
import dev.shardline.util.Futures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional ids of one exactly-once writer, and the cleanup of those crashed writers left.
 *
 * <p><b>Scheme.</b> The records writer {@code w} writes for checkpoint {@code c} go into one
 * transaction with the id {@code <prefix>-<w>-<c>}. An id is stable (the same writer and checkpoint
 * always get it, in every run), and only ever carries one committed transaction: checkpoint ids
 * grow, and after a restore from checkpoint {@code n} the writers continue at {@code n + 1}, whose
 * ids were never part of a durable checkpoint. That makes commits idempotent: committing the
 * restored checkpoint's transactions again finds each either still open (committed now) or already
 * committed (the coordinator answers a repeated commit with success); it is never confused with a
 * later transaction under the same id.
 *
 * <p><b>Crashes.</b> Transactions a crashed run left open are those of checkpoints that never
 * became durable (at most {@code n + 1} and {@code n + 2} per writer, since one checkpoint is in
 * flight at a time). Each new writer lists the open transactions of the prefix ({@code
 * Admin.listTransactions}) and aborts those of old writers {@code v} with {@code v % parallelism ==
 * w} by fencing their ids ({@code initTransactions()}), so each is aborted by exactly one new
 * writer, whatever the old parallelism was. Without the permission to list transactions it falls
 * back to its own ids {@code n + 1} and {@code n + 2}, and logs which transactions it may have
 * missed; those end at {@code transactionTimeout}.
 *
 * <p><b>Changed parallelism.</b> The restored checkpoint's transactions are committed by the
 * committer whatever the new parallelism; old writer indices that no longer exist are covered by
 * the listing above; new writer indices start fresh ids. Ids never collide across runs because the
 * checkpoint part grows.
 *
 * <p>Broker cost: every checkpoint in which a writer has records initializes a new id, which the
 * transaction coordinator remembers until {@code transactional.id.expiration.ms} (7 days by
 * default) after its last use. Immutable; thread-safe.
 */
final class TransactionalIds {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalIds.class);
  private static final long LIST_TIMEOUT_MS = 30_000;

  private final String prefix;
  private final int writerIndex;
  private final int parallelism;
  private final Map<String, Object> adminProperties;
  private final Pattern pattern;

  TransactionalIds(
      String prefix, int writerIndex, int parallelism, Map<String, Object> adminProperties) {
    this.prefix = prefix;
    this.writerIndex = writerIndex;
    this.parallelism = parallelism;
    this.adminProperties = adminProperties;
    this.pattern = Pattern.compile(Pattern.quote(prefix) + "-(\\d+)-(\\d+)");
  }

  /** The id of this writer's transaction of {@code checkpointId}. */
  String idFor(long checkpointId) {
    return id(prefix, writerIndex, checkpointId);
  }

  static String id(String prefix, int writer, long checkpointId) {
    return prefix + "-" + writer + "-" + checkpointId;
  }

  /** Aborts the open transactions of this prefix that belong to this writer (see the class). */
  void abortLingering(Map<String, Object> producerProperties, long restoredCheckpointId) {
    Set<String> ids = new TreeSet<>();
    try {
      ids.addAll(listOpen());
    } catch (ShardlineException e) {
      Throwable cause = Futures.unwrap(e.getCause() == null ? e : e.getCause());
      if (!(cause instanceof AuthorizationException)
          && !(cause instanceof UnsupportedVersionException)) {
        throw e;
      }
      ids.add(idFor(restoredCheckpointId + 1));
      ids.add(idFor(restoredCheckpointId + 2));
      LOG.warn(
          "Cannot list open Kafka transactions ({}); fencing only {}. Transactions of other"
              + " writer indices that a crash left open under prefix '{}' stay open until the"
              + " transaction timeout and hold back read_committed consumers meanwhile. Grant"
              + " DESCRIBE on transactional ids with prefix '{}' to avoid that",
          KafkaErrors.describe(cause),
          ids,
          prefix,
          prefix);
    }
    for (String id : ids) {
      LOG.info("Aborting Kafka transaction {}, left open by a writer that stopped", id);
      try {
        TransactionalProducer.fence(producerProperties, id);
      } catch (RuntimeException e) {
        throw KafkaErrors.classify("Cannot abort the open Kafka transaction " + id, e);
      }
    }
  }

  /**
   * Writer 0 looks, on a daemon thread so that the writer's start does not wait, for hanging
   * transactions on {@code topic}'s partitions ({@link HangingTransactions}): ones the broker left
   * open after its coordinator ended them, which stop every read_committed consumer of the
   * partition. It logs an ERROR for each one of this prefix, and a WARN for each one whose
   * transactional id the coordinator no longer knows (an expired id: it may be this sink's). A
   * topic that does not exist yet is skipped; a look that fails (no READ permission on the topic,
   * which {@code DescribeProducers} needs, or no answer within 30 s a call) is logged at WARN with
   * the cause. Each writer 0 looks once per start.
   */
  void reportHangingInBackground(String topic, String bootstrapServers) {
    if (writerIndex != 0) {
      return;
    }
    Thread thread =
        new Thread(
            () -> reportHanging(topic, bootstrapServers), "shardline-kafka-hanging-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The look of {@link #reportHangingInBackground}, on the calling thread.
   *
   * @return what was reported as this sink's
   */
  List<HangingTransactions.Hanging> reportHanging(String topic, String bootstrapServers) {
    Admin admin = null;
    try {
      admin = Admin.create(adminProperties);
      return reportHanging(admin, topic, bootstrapServers);
    } finally {
      if (admin != null) {
        admin.close(java.time.Duration.ZERO);
      }
    }
  }

  /** {@link #reportHanging(String, String)} with {@code admin}, which the caller closes. */
  List<HangingTransactions.Hanging> reportHanging(
      Admin admin, String topic, String bootstrapServers) {
    List<HangingTransactions.Hanging> ours = new ArrayList<>();
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(LIST_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS)
          .get(topic)
          .partitions()
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      for (HangingTransactions.Hanging h :
          HangingTransactions.find(admin, partitions, (int) LIST_TIMEOUT_MS)) {
        String end =
            " read_committed consumers of "
                + h.partition()
                + " stop at offset "
                + h.startOffset()
                + " and do not see what was written there since. Kafka brokers leave a"
                + " transaction open like this when it ends while the partition has no leader"
                + " (e.g. while its only broker restarts): the coordinator skips the partition's"
                + " marker. No Kafka Admin API writes a COMMIT marker; an administrator can end"
                + " the transaction with 'kafka-transactions.sh --bootstrap-server "
                + bootstrapServers
                + " [--command-config FILE] abort --topic "
                + h.partition().topic()
                + " --partition "
                + h.partition().partition()
                + " --start-offset "
                + h.startOffset()
                + "', which lets consumers move on but drops the transaction's records from"
                + " what read_committed consumers read";
        if (h.transactionalId() == null) {
          LOG.warn("Kafka {}; it may be this sink's (prefix '{}'):{}", h, prefix, end);
        } else if (pattern.matcher(h.transactionalId()).matches()) {
          ours.add(h);
          LOG.error(
              "This sink's Kafka {}, {}.{}",
              h,
              switch (h.outcome()) {
                case COMMITTED -> "which its coordinator committed (so did the sink)";
                case ABORTED -> "which its coordinator aborted";
                case UNKNOWN -> "which its coordinator no longer has in progress";
              },
              end);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      Throwable cause = Futures.unwrap(e);
      if (cause instanceof UnknownTopicOrPartitionException) {
        LOG.debug("Topic {} does not exist yet: no hanging Kafka transactions on it", topic);
      } else {
        LOG.warn(
            "Cannot look for hanging Kafka transactions on topic {} ({}); the sink works on, but"
                + " would not notice one. The look needs READ on the topic (for"
                + " DescribeProducers) and DESCRIBE on the transactional ids of prefix '{}'",
            topic,
            KafkaErrors.describe(cause),
            prefix);
      }
    }
    return ours;
  }

  private List<String> listOpen() {
    List<String> mine = new ArrayList<>();
    Admin admin = null;
    try {
      admin = Admin.create(adminProperties);
      ListTransactionsOptions options =
          new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING));
      options.timeoutMs((int) LIST_TIMEOUT_MS);
      for (TransactionListing listing :
          admin
              .listTransactions(options)
              .all()
              .get(LIST_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS)) {
        Matcher m = pattern.matcher(listing.transactionalId());
        if (m.matches() && owns(m.group(1))) {
          mine.add(listing.transactionalId());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.shardline.retry.InterruptException("Listing open Kafka transactions", e);
    } catch (Exception e) {
      throw KafkaErrors.classify("Cannot list the open Kafka transactions of prefix " + prefix, e);
    } finally {
      if (admin != null) {
        // nothing is pending after an answer; after an interrupt (brokers unreachable) the
        // pending listing must not hold the close up for its 30 s
        admin.close(java.time.Duration.ZERO);
      }
    }
    return mine;
  }

  private boolean owns(String oldWriter) {
    try {
      return Integer.parseInt(oldWriter) % parallelism == writerIndex;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
