/**
 * The Kafka source's reader: a fetch thread per reader polling a consumer, a non-blocking handoff
 * to the worker, the rate limit, decoding and metadata.
 */
package dev.shardline.kafka.source.reader;
