/**
 * Reflective access to kafka-clients' transaction manager, to resume a transaction from another
 * producer. Not public API.
 */
package dev.shardline.kafka.sink.internal;
