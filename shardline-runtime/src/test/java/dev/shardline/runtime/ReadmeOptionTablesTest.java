package dev.shardline.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.config.OptionSet;
import dev.shardline.config.OptionsMarkdown;
import dev.shardline.connectors.file.FileSinkOptions;
import dev.shardline.connectors.generator.GeneratorSourceOptions;
import dev.shardline.connectors.stdout.StdoutSinkOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The option tables in shardline-runtime/README.md are {@link OptionsMarkdown}'s output for the
 * declarations, each right under its heading; regenerate them with {@code java -cp ...
 * dev.shardline.config.OptionsMarkdown <OptionsClass>} when an option changes.
 */
class ReadmeOptionTablesTest {

  @Test
  void theReadmeOptionTablesAreTheGeneratedOnes() throws Exception {
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    Map<String, OptionSet> tables = new LinkedHashMap<>();
    tables.put("### Pipeline options", PipelineOptions.OPTIONS);
    tables.put("#### Generator source options", GeneratorSourceOptions.OPTIONS);
    tables.put("#### File sink options", FileSinkOptions.OPTIONS);
    tables.put("#### Stdout sink options", StdoutSinkOptions.OPTIONS);

    tables.forEach(
        (heading, options) ->
            assertThat(readme)
                .as("the table under \"%s\"", heading)
                .contains(heading + "\n\n" + OptionsMarkdown.table(options)));
  }
}
