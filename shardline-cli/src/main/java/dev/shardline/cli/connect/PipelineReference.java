package dev.shardline.cli.connect;

import dev.shardline.cli.transform.TransformType;
import dev.shardline.config.OptionSet;
import dev.shardline.config.OptionsMarkdown;
import dev.shardline.runtime.PipelineOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates {@code shardline-cli/docs/pipeline-reference.md}, the reference of every key a pipeline
 * file accepts, from the same {@code *Options} declarations the command checks files against (via
 * {@link OptionsMarkdown}). {@code PipelineReferenceTest} fails when the checked-in page drifts.
 * Stateless.
 *
 * <pre>
 * java -cp shardline-cli/target/shardline.jar dev.shardline.cli.connect.PipelineReference \
 *     &gt; shardline-cli/docs/pipeline-reference.md
 * </pre>
 */
public final class PipelineReference {
  private PipelineReference() {}

  /** Prints the page. */
  public static void main(String[] args) {
    System.out.print(render(ConnectorRegistry.get()));
  }

  /** The page for {@code registry}. */
  public static String render(ConnectorRegistry registry) {
    StringBuilder out = new StringBuilder();
    out.append("# Pipeline file reference\n\n");
    out.append(
        "<!-- Generated from the option declarations by dev.shardline.cli.connect.PipelineReference;"
            + " do not edit. PipelineReferenceTest fails when it drifts. -->\n\n");
    out.append(
        "Every key a `shardline` pipeline file accepts, with its type, default and rules. Keys"
            + " are nested YAML (`checkpoint: {interval: 5s}`) or dotted (`checkpoint.interval:"
            + " 5s`). Values may use `${ENV_VAR}` or `${ENV_VAR:-default}`. Durations are written"
            + " `500ms`, `10s`, `1m`; sizes `512KiB`, `4MB`. See the [command's README](../README.md)"
            + " for the file's layout and examples.\n\n");
    out.append("## Contents\n\n");
    out.append("- [Pipeline settings](#pipeline-settings)\n");
    out.append("- Sources (`source.type`): ");
    out.append(links(names(registry.sources(), SourceType::name), "source")).append('\n');
    out.append("- Transforms (`transforms[].type`): ");
    out.append(links(names(registry.transforms(), TransformType::name), "transform")).append('\n');
    out.append("- Sinks (`sinks[].type`, `deadLetter.type`): ");
    out.append(links(names(registry.sinks(), SinkType::name), "sink")).append('\n');
    out.append("\n## Pipeline settings\n\n");
    out.append(
        "Top-level keys besides `source`, `transforms` (optional list), `sinks` (list, at least"
            + " one) and `deadLetter` (optional sink for records that cannot be read or"
            + " written).\n\n");
    out.append(OptionsMarkdown.table(PipelineOptions.OPTIONS));
    for (SourceType type : registry.sources()) {
      out.append("\n## Source `").append(type.name()).append("`\n\n");
      out.append(type.summary()).append("\n\n");
      List<String> fields = new ArrayList<>(type.metadataFields());
      fields.add(PipelineRecord.READ_TIME);
      out.append("Metadata fields (for `addMetadata` and `metadata.<field>` keys): ");
      out.append(String.join(", ", fields.stream().map(f -> "`" + f + "`").toList()));
      out.append(".\n\n");
      out.append(table(type.options()));
    }
    for (TransformType type : registry.transforms()) {
      out.append("\n## Transform `").append(type.name()).append("`\n\n");
      out.append(type.summary()).append("\n\n");
      out.append(table(type.options()));
    }
    for (SinkType type : registry.sinks()) {
      out.append("\n## Sink `").append(type.name()).append("`\n\n");
      out.append(type.summary()).append("\n\n");
      out.append(table(type.options()));
    }
    return out.toString();
  }

  private static String table(OptionSet options) {
    return options.options().isEmpty() ? "No options.\n" : OptionsMarkdown.table(options);
  }

  private static <T> List<String> names(List<T> types, java.util.function.Function<T, String> f) {
    return types.stream().map(f).toList();
  }

  private static String links(List<String> names, String kind) {
    return String.join(
        ", ",
        names.stream()
            .map(n -> "[" + n + "](#" + kind + "-" + n.toLowerCase(java.util.Locale.ROOT) + ")")
            .toList());
  }
}
