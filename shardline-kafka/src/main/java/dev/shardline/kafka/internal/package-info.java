/**
 * Machinery shared by the Kafka source and sink: the error classifier and client property handling.
 * Not public API.
 */
package dev.shardline.kafka.internal;
