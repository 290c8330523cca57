/**
 * The Kafka source: {@link dev.shardline.kafka.source.KafkaSource} and its builder, and {@link
 * dev.shardline.kafka.source.KafkaRecord}, what it emits with metadata fields.
 */
package dev.shardline.kafka.source;
