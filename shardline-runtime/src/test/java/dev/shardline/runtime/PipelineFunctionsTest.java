package dev.shardline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.DeadLetter;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkWriter;
import dev.shardline.config.ConfigException;
import dev.shardline.connectors.generator.GeneratorSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30) // runs pipelines: a regression could keep one running
class PipelineFunctionsTest {
  @TempDir Path dir;

  @Test
  void mapFilterAndFlatMapChainInDeclarationOrderIntoEverySink() {
    // Given a bounded generator and a chain of functions feeding two sinks
    CollectingSink<String> first = new CollectingSink<>();
    CollectingSink<Object> second = new CollectingSink<>();
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(1_000).build())
            .filter(n -> n % 2 == 0)
            .map(n -> "n" + n)
            .flatMap(s -> List.of(s, s + "!"))
            .to(first)
            .to(second)
            .parallelism(2)
            .checkpointInterval(Duration.ofMillis(50))
            .checkpointDirectory(dir.resolve("checkpoints"))
            .build();

    // When it runs to the end of its input
    pipeline.run();

    // Then each sink got every surviving record, transformed, exactly once
    List<String> expected = new ArrayList<>();
    LongStream.range(0, 1_000)
        .filter(n -> n % 2 == 0)
        .forEach(
            n -> {
              expected.add("n" + n);
              expected.add("n" + n + "!");
            });
    assertThat(first.records()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(second.records()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(first.writerIndexes()).containsExactlyInAnyOrder(0, 1);
    assertThat(pipeline.completedCheckpoints()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void writersDeadLetterThroughTheirContextIntoTheDeadLetterSink() {
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    CollectingSink<Long> good = new CollectingSink<>();
    Sink<Long> picky =
        context -> {
          SinkWriter<Long> delegate = good.createWriter(context);
          return new SinkWriter<>() {
            @Override
            public void write(Long n) throws Exception {
              if (n % 10 == 0) {
                context
                    .deadLetters()
                    .send(
                        new DeadLetter(
                            Long.toString(n).getBytes(StandardCharsets.UTF_8),
                            Map.of("seq", Long.toString(n)),
                            "multiple of ten",
                            0));
              } else {
                delegate.write(n);
              }
            }

            @Override
            public void flush() {}
          };
        };

    Pipeline.from(GeneratorSource.sequence().count(100).build())
        .to(picky)
        .deadLetterTo(deadLetters)
        .parallelism(2)
        .checkpointDirectory(dir.resolve("checkpoints"))
        .build()
        .run();

    assertThat(good.records()).hasSize(90);
    assertThat(deadLetters.records())
        .extracting(d -> d.coordinates().get("seq"))
        .containsExactlyInAnyOrder("0", "10", "20", "30", "40", "50", "60", "70", "80", "90");
  }

  @Test
  void withoutADeadLetterSinkDeadLetteringFailsWithAClearError() {
    Sink<Long> sink =
        context ->
            new SinkWriter<>() {
              @Override
              public void write(Long n) {
                assertThat(context.deadLetters().isConfigured()).isFalse();
                context.deadLetters().send(new DeadLetter(new byte[0], Map.of(), "bad", 0));
              }

              @Override
              public void flush() {}
            };

    assertThatThrownBy(
            () ->
                Pipeline.from(GeneratorSource.sequence().count(1).build())
                    .to(sink)
                    .restartPolicy(RestartPolicy.none())
                    .checkpointDirectory(dir.resolve("checkpoints"))
                    .build()
                    .run())
        .hasMessageContaining("has no dead-letter sink")
        .hasMessageContaining("PipelineBuilder.deadLetterTo");
  }

  @Test
  void aFunctionThatThrowsFailsThePipelineWithItsError() {
    Pipeline pipeline =
        Pipeline.from(GeneratorSource.sequence().count(10).build())
            .map(
                n -> {
                  if (n == 7) {
                    throw new IllegalStateException("bad record " + n);
                  }
                  return n;
                })
            .to(new CollectingSink<>())
            .restartPolicy(RestartPolicy.none())
            .checkpointDirectory(dir.resolve("checkpoints"))
            .build();

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(PipelineFailedException.class)
        .hasMessageContaining("bad record 7")
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPipelineNeedsASinkAndAValidName() {
    Flow<Long> flow = Pipeline.from(GeneratorSource.sequence().build());
    assertThatThrownBy(() -> flow.to(new CollectingSink<>()).name("no spaces"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid value \"no spaces\" for option \"name\": must be 1 to 100 letters, digits,"
                + " '.', '_' or '-', starting with a letter or digit");
    assertThatThrownBy(() -> flow.to(new CollectingSink<>()).parallelism(0))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Invalid value \"0\" for option \"parallelism\": must be at least 1");
  }
}
