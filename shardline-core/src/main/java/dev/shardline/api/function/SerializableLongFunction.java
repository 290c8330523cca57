package dev.shardline.api.function;

import java.io.Serializable;
import java.util.function.LongFunction;

/**
 * A {@link LongFunction} that is also {@link Serializable}, such as the record maker of a generator
 * source ({@code n -> "event-" + n}); see {@link SerializableFunction} for what a lambda may
 * capture.
 *
 * <pre>{@code
 * SerializableLongFunction<String> records = n -> "event-" + n;
 * }</pre>
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface SerializableLongFunction<R> extends LongFunction<R>, Serializable {}
