package dev.shardline.runtime.internal;

import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.SinkContext;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;

/** The embedded runner's {@link SinkContext}. Immutable. */
record RuntimeSinkContext(
    int writerIndex,
    int parallelism,
    String pipelineName,
    DeadLetterOutput deadLetters,
    MeterRegistry metrics,
    Time time,
    OptionalLong restoredCheckpointId)
    implements SinkContext {}
