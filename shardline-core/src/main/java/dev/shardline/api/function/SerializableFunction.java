package dev.shardline.api.function;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A {@link Function} that is also {@link Serializable}: what every Java function a source or sink
 * holds is typed as (a partition key, a topic per record, a line encoder), so that the source or
 * sink can be Java-serialized to a Flink cluster. A lambda or method reference passed where this
 * type is expected is serializable by itself; it stays serializable only while everything it
 * captures is (a local {@code String} is fine; {@code this} of a class that is not {@code
 * Serializable}, a client or a stream is not). Implementations are called on one worker's thread at
 * a time and must not keep state between records.
 *
 * <pre>{@code
 * SerializableFunction<Order, String> key = order -> order.customerId();
 * SerializableFunction<Order, String> same = Order::customerId;
 * }</pre>
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends Function<T, R>, Serializable {}
