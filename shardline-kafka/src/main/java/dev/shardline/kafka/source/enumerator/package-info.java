/**
 * The Kafka source's enumerator: partition discovery through the admin client, starting offsets,
 * assignment of partitions to readers by index, and its checkpointed state.
 */
package dev.shardline.kafka.source.enumerator;
