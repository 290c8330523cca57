/**
 * The Kafka sink: {@link dev.shardline.kafka.sink.KafkaSink}, its at-least-once and exactly-once
 * writers, the committer and the committable of a Kafka transaction.
 */
package dev.shardline.kafka.sink;
