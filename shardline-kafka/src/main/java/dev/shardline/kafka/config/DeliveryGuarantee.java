package dev.shardline.kafka.config;

/** What a Kafka sink promises about each record (option {@code deliveryGuarantee}). */
public enum DeliveryGuarantee {
  /**
   * Every record is written at least once: at each checkpoint the sink waits until the brokers
   * acknowledged everything sent; after a crash the records since the last checkpoint are written
   * again.
   */
  AT_LEAST_ONCE,
  /**
   * Every record is visible exactly once to {@code read_committed} consumers: one Kafka transaction
   * per writer and checkpoint, committed only once the checkpoint is durable.
   */
  EXACTLY_ONCE
}
