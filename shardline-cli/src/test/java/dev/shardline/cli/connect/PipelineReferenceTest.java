package dev.shardline.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checked-in reference page is what the declarations generate. */
class PipelineReferenceTest {
  private static final Path PAGE = Path.of("docs/pipeline-reference.md");

  @Test
  void theReferencePageMatchesTheOptionDeclarations() throws Exception {
    String generated = PipelineReference.render(ConnectorRegistry.get());
    Path fresh = Path.of("target/pipeline-reference.md");
    Files.writeString(fresh, generated, StandardCharsets.UTF_8);

    assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
        .as(
            "shardline-cli/docs/pipeline-reference.md is out of date with the option declarations;"
                + " the page generated from them is in shardline-cli/"
                + fresh
                + ": cp shardline-cli/"
                + fresh
                + " shardline-cli/"
                + PAGE)
        .isEqualTo(generated);
  }

  @Test
  void everyTypeAndEveryOptionIsOnThePage() {
    String page = PipelineReference.render(ConnectorRegistry.get());
    ConnectorRegistry registry = ConnectorRegistry.get();

    registry
        .sources()
        .forEach(
            t -> {
              assertThat(page).contains("## Source `" + t.name() + "`");
              t.options()
                  .options()
                  .forEach(o -> assertThat(page).contains("| `" + o.key() + "` |"));
            });
    registry
        .sinks()
        .forEach(
            t -> {
              assertThat(page).contains("## Sink `" + t.name() + "`");
              t.options()
                  .options()
                  .forEach(o -> assertThat(page).contains("| `" + o.key() + "` |"));
            });
    registry
        .transforms()
        .forEach(t -> assertThat(page).contains("## Transform `" + t.name() + "`"));
  }
}
