/**
 * Kafka partitions as source splits, with the next offset to read, and their versioned serializer.
 */
package dev.shardline.kafka.source.split;
