/**
 * Serializable function types: the types of the Java functions that sources and sinks hold, so that
 * a source or sink built with lambdas can be Java-serialized (to a Flink cluster). See {@link
 * dev.shardline.config.Serializability} for the check that names a function that cannot be.
 */
package dev.shardline.api.function;
