package dev.shardline.kafka.config;

/**
 * Which records a Kafka source reads from transactional producers (option {@code isolationLevel}).
 */
public enum IsolationLevel {
  /** Every record, including those of open and aborted transactions (Kafka's default). */
  READ_UNCOMMITTED,
  /** Only records of committed transactions (and non-transactional ones). */
  READ_COMMITTED;

  /** The value of Kafka's {@code isolation.level} consumer property. */
  public String kafkaName() {
    return this == READ_COMMITTED ? "read_committed" : "read_uncommitted";
  }
}
