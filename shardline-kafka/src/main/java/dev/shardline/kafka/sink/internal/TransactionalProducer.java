package dev.shardline.kafka.sink.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.api.ShardlineException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.TransactionManager;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.ProducerIdAndEpoch;

/**
 * A {@link KafkaProducer} for one transaction under one transactional id, with the two things the
 * public producer API lacks for a two-phase commit across processes:
 *
 * <ul>
 *   <li>{@link #producerIdAndEpoch()} and {@link #isTransactionV2()}: what a committable must
 *       record so that another producer can finish the transaction;
 *   <li>{@link #resume}: a new producer that takes over an open transaction by its producer id and
 *       epoch, without {@code initTransactions()} (which would abort it), so that {@code
 *       commitTransaction()} commits it.
 * </ul>
 *
 * Both read and set private state of kafka-clients' {@code TransactionManager} by reflection, as
 * Flink's Kafka sink does; the names are checked once when this class loads, so an incompatible
 * kafka-clients version fails at startup with a clear error rather than mid-commit. KIP-939 plans a
 * public API for this ({@code initTransactions(keepPreparedTxn)}, {@code prepareTransaction()},
 * {@code completeTransaction()}); kafka-clients 4.3.1's transaction manager has parts of it, but
 * {@code KafkaProducer} does not expose them.
 *
 * <p>Resuming also restores the transaction protocol version the transaction began with (KIP-890,
 * "TV2"): with TV2 the coordinator bumps the epoch when it ends a transaction, and only a TV2
 * commit request for an already committed transaction is recognized as a retry (answered with
 * success) rather than refused as fenced.
 *
 * <p>Thread-safe as {@link KafkaProducer} is.
 */
public final class TransactionalProducer implements AutoCloseable {
  private static final Reflection REFLECTION = Reflection.load();

  private final KafkaProducer<byte[], byte[]> producer;
  private final String transactionalId;
  private final TransactionManager transactionManager;

  private TransactionalProducer(Map<String, Object> properties, String transactionalId) {
    Map<String, Object> props = new HashMap<>(properties);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    this.transactionalId = transactionalId;
    this.transactionManager = REFLECTION.transactionManager(producer);
  }

  /**
   * A producer for {@code transactionalId} with a new transaction begun. {@code initTransactions()}
   * fences every earlier producer of the id and aborts the transaction it left open.
   *
   * @param properties producer properties, without {@code transactional.id}
   */
  public static TransactionalProducer begin(
      Map<String, Object> properties, String transactionalId) {
    TransactionalProducer p = new TransactionalProducer(properties, transactionalId);
    try {
      p.producer.initTransactions();
      p.producer.beginTransaction();
      return p;
    } catch (RuntimeException e) {
      p.producer.close(Duration.ZERO);
      throw e;
    }
  }

  /** Fences {@code transactionalId}: aborts the transaction a crashed writer left open under it. */
  public static void fence(Map<String, Object> properties, String transactionalId) {
    TransactionalProducer p = new TransactionalProducer(properties, transactionalId);
    try {
      p.producer.initTransactions();
    } finally {
      p.producer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * A producer that continues the open transaction {@code producerId}/{@code epoch} of {@code
   * transactionalId}, ready for {@link #commit()}.
   */
  public static TransactionalProducer resume(
      Map<String, Object> properties,
      String transactionalId,
      long producerId,
      short epoch,
      boolean transactionV2) {
    TransactionalProducer p = new TransactionalProducer(properties, transactionalId);
    try {
      REFLECTION.resume(p.transactionManager, producerId, epoch, transactionV2);
      return p;
    } catch (RuntimeException e) {
      p.producer.close(Duration.ZERO);
      throw e;
    }
  }

  /** The transactional id. */
  public String transactionalId() {
    return transactionalId;
  }

  /** Sends a record in the transaction. */
  public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
    return producer.send(record, callback);
  }

  /** Waits until every record sent is acknowledged (or failed). */
  public void flush() {
    producer.flush();
  }

  /** The producer id and epoch the transaction is written under. */
  public ProducerIdAndEpoch producerIdAndEpoch() {
    return REFLECTION.producerIdAndEpoch(transactionManager);
  }

  /** Whether the transaction uses the transaction protocol version 2. */
  public boolean isTransactionV2() {
    return transactionManager.isTransactionV2Enabled();
  }

  /** Commits the transaction; blocks until the coordinator accepted it. */
  public void commit() {
    producer.commitTransaction();
  }

  /**
   * Closes the producer and leaves the transaction open on the brokers, for a committer to resume.
   * (A graceful {@code close()} would abort it.)
   */
  public void closeKeepingTransaction() {
    producer.close(Duration.ZERO);
  }

  /** Closes the producer, aborting the open transaction if it can within {@code timeout}. */
  public void closeAborting(Duration timeout) {
    producer.close(timeout);
  }

  /** Closes the producer (gracefully, within 5 s). */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** The reflective access to kafka-clients internals, resolved once. */
  private static final class Reflection {
    private final Field transactionManagerField;
    private final Field producerIdAndEpochField;
    private final Field transactionStartedField;
    private final Field transactionV2Field;
    private final Field featuresEpochField;
    private final Method transitionTo;
    private final Class<? extends Enum<?>> stateClass;

    private Reflection(
        Field transactionManagerField,
        Field producerIdAndEpochField,
        Field transactionStartedField,
        Field transactionV2Field,
        Field featuresEpochField,
        Method transitionTo,
        Class<? extends Enum<?>> stateClass) {
      this.transactionManagerField = transactionManagerField;
      this.producerIdAndEpochField = producerIdAndEpochField;
      this.transactionStartedField = transactionStartedField;
      this.transactionV2Field = transactionV2Field;
      this.featuresEpochField = featuresEpochField;
      this.transitionTo = transitionTo;
      this.stateClass = stateClass;
    }

    @SuppressWarnings("unchecked")
    static Reflection load() {
      try {
        Class<? extends Enum<?>> state =
            (Class<? extends Enum<?>>) Class.forName(TransactionManager.class.getName() + "$State");
        Reflection r =
            new Reflection(
                accessible(KafkaProducer.class.getDeclaredField("transactionManager")),
                accessible(TransactionManager.class.getDeclaredField("producerIdAndEpoch")),
                accessible(TransactionManager.class.getDeclaredField("transactionStarted")),
                accessible(TransactionManager.class.getDeclaredField("isTransactionV2Enabled")),
                accessible(
                    TransactionManager.class.getDeclaredField("latestFinalizedFeaturesEpoch")),
                accessible(TransactionManager.class.getDeclaredMethod("transitionTo", state)),
                state);
        for (String name : new String[] {"INITIALIZING", "READY", "IN_TRANSACTION"}) {
          r.state(name);
        }
        return r;
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new ShardlineException(
            "The exactly-once Kafka sink cannot work with this kafka-clients version ("
                + KafkaProducer.class.getPackage().getImplementationVersion()
                + "): its producer internals differ from kafka-clients 4.3.1, which Shardline"
                + " is built against ("
                + e
                + "). Use kafka-clients 4.3.1, or deliveryGuarantee at-least-once",
            e);
      }
    }

    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
      member.setAccessible(true);
      return member;
    }

    TransactionManager transactionManager(KafkaProducer<?, ?> producer) {
      try {
        return (TransactionManager) transactionManagerField.get(producer);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    ProducerIdAndEpoch producerIdAndEpoch(TransactionManager manager) {
      try {
        return (ProducerIdAndEpoch) producerIdAndEpochField.get(manager);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * What {@code initTransactions()} + {@code beginTransaction()} + a first send would leave
     * behind, with the given producer id and epoch instead of new ones from the coordinator.
     */
    void resume(TransactionManager manager, long producerId, short epoch, boolean v2) {
      checkNotNull(manager, "manager");
      try {
        synchronized (manager) {
          transitionTo.invoke(manager, state("INITIALIZING"));
          producerIdAndEpochField.set(manager, new ProducerIdAndEpoch(producerId, epoch));
          transitionTo.invoke(manager, state("READY"));
          transitionTo.invoke(manager, state("IN_TRANSACTION"));
          // without it, commitTransaction() thinks nothing was sent and sends no EndTxn
          transactionStartedField.setBoolean(manager, true);
          // the commit request must use the protocol the transaction began with; pinning the
          // features epoch stops the producer from re-deciding it from the broker's features
          transactionV2Field.setBoolean(manager, v2);
          featuresEpochField.setLong(manager, Long.MAX_VALUE);
        }
      } catch (ReflectiveOperationException e) {
        throw new ShardlineException(
            "Cannot resume Kafka transaction " + manager.transactionalId() + ": " + e.getCause(),
            e);
      }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object state(String name) {
      return Enum.valueOf((Class) stateClass, name);
    }
  }
}
