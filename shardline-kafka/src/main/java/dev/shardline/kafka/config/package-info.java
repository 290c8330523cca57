/**
 * The options of the Kafka connectors, declared once ({@link
 * dev.shardline.kafka.config.KafkaSourceOptions}, {@link
 * dev.shardline.kafka.config.KafkaSinkOptions}), the enums they take, and the base of the builders
 * that set them ({@link dev.shardline.kafka.config.KafkaConnectorBuilder}).
 */
package dev.shardline.kafka.config;
