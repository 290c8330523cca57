/**
 * The options of the Kafka connectors, declared once ({@link
 * dev.shardline.kafka.config.KafkaSourceOptions}, {@link
 * dev.shardline.kafka.config.KafkaSinkOptions}) and the enums they take.
 */
package dev.shardline.kafka.config;
