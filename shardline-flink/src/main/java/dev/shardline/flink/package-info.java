/**
 * Shardline sources and sinks on Apache Flink 2.x: {@code FlinkSource.of(source)} and {@code
 * FlinkSink.of(sink)} wrap the connectors' own enumerators, readers, writers and serializers, so a
 * split's state is the same bytes on Flink as on the embedded runner.
 */
package dev.shardline.flink;
