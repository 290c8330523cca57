package dev.shardline.kinesis.sink;

import java.io.Serializable;
import java.util.function.Function;

/**
 * A function of a record, such as its partition key or its target stream: a {@link Function} that
 * is also {@link Serializable}, so a sink built with lambdas can be shipped to Flink. Called on the
 * writing worker's thread; it must not keep state between records.
 *
 * <pre>{@code
 * RecordFunction<Order, String> key = order -> order.customerId();
 * }</pre>
 *
 * @param <T> the record type
 * @param <R> the result type
 */
@FunctionalInterface
public interface RecordFunction<T, R> extends Function<T, R>, Serializable {}
