package dev.shardline.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.connectors.generator.GeneratorKind;
import dev.shardline.connectors.generator.GeneratorSource;
import dev.shardline.connectors.generator.GeneratorSourceOptions;
import dev.shardline.connectors.generator.GeneratorSplit;
import dev.shardline.connectors.generator.GeneratorSplitSerializer;
import dev.shardline.runtime.checkpoint.StateBlob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * {@code type: generator}: the runtime's {@link GeneratorSource}. {@code json-events} records are
 * JSON (so JSON transforms apply), {@code sequence} records are numbers.
 */
final class GeneratorSourceType implements SourceType {

  @Override
  public String name() {
    return "generator";
  }

  @Override
  public String summary() {
    return "Deterministic records for tries and tests: the numbers 0, 1, 2, ... (kind sequence) or"
        + " JSON events (kind json-events); bounded with count, paced with ratePerSecond.";
  }

  @Override
  public OptionSet options() {
    return GeneratorSourceOptions.OPTIONS;
  }

  @Override
  public List<String> metadataFields() {
    return List.of();
  }

  @Override
  @SuppressWarnings("unchecked")
  public ConfiguredSource<?> create(Configuration config) {
    GeneratorSource<?> source = GeneratorSource.fromConfiguration(config);
    if (config.get(GeneratorSourceOptions.KIND) == GeneratorKind.JSON_EVENTS) {
      return new ConfiguredSource<>(
          (GeneratorSource<String>) source, text -> PipelineRecord.of(parse(text), Map.of()));
    }
    return new ConfiguredSource<>(
        (GeneratorSource<Object>) source, value -> PipelineRecord.of(value, Map.of()));
  }

  private static JsonNode parse(String text) {
    try {
      return PipelineRecord.JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean wrote(String identity) {
    return identity.startsWith("generator:");
  }

  @Override
  public String describeSplit(StateBlob split) throws IOException {
    GeneratorSplit s = split.read(GeneratorSplitSerializer.INSTANCE);
    return s.splitId() + ": emitted " + s.position() + ", next sequence number " + s.next();
  }
}
