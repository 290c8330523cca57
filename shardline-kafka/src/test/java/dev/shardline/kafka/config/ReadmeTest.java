package dev.shardline.kafka.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.config.OptionSet;
import dev.shardline.config.OptionsMarkdown;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadmeTest {

  @Test
  void theReadmeOptionTablesAreTheGeneratedOnes() throws Exception {
    // regenerate with: java -cp ... dev.shardline.config.OptionsMarkdown <class>
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    assertThat(readme)
        .contains(OptionsMarkdown.table(OptionSet.of(KafkaSourceOptions.class)))
        .contains(OptionsMarkdown.table(OptionSet.of(KafkaSinkOptions.class)));
  }
}
