package dev.shardline.cli;

import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.spec.PipelineDefinition;
import dev.shardline.cli.spec.PipelineFileException;
import dev.shardline.cli.spec.PipelineFileReader;
import dev.shardline.cli.spec.Problem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardline validate FILE...}: every offline check, every problem with its line. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks pipeline files without running them: YAML syntax, $${VAR} substitution, every key"
          + " and value against the options of its source, transform or sink type (server lists,"
          + " URLs and ports included), the rules across options, the metadata fields named, and"
          + " the paths named: directories to write are directories or can be created, and are"
          + " writable; files to read exist and are readable. Connects to nothing and creates"
          + " nothing.",
      "Prints each problem as FILE:LINE:COLUMN: KEY: what is wrong and how to fix it. Exit code 0"
          + " when every file is valid, 1 otherwise. Secret values are never printed."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PIPELINE.yaml", arity = "1..*", description = "The pipeline files.")
  List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int invalid = 0;
    for (Path file : files) {
      try {
        PipelineDefinition definition =
            new PipelineFileReader(ConnectorRegistry.get(), System::getenv).read(file);
        out.println(file + ": valid. " + describe(definition));
      } catch (PipelineFileException e) {
        invalid++;
        for (Problem problem : e.problems()) {
          out.println(problem);
        }
        out.println(
            file
                + ": "
                + e.problems().size()
                + (e.problems().size() == 1 ? " problem" : " problems"));
      }
    }
    out.flush();
    return invalid == 0 ? ExitCodes.OK : ExitCodes.FAILED;
  }

  static String describe(PipelineDefinition definition) {
    return "Pipeline '"
        + definition.name()
        + "': "
        + definition.source().type().name()
        + " source, "
        + (definition.transforms().isEmpty()
            ? "no transforms"
            : definition.transforms().stream()
                .map(t -> t.type().name())
                .collect(Collectors.joining(", ", "transforms ", "")))
        + ", "
        + definition.sinks().stream()
            .map(s -> s.type().name())
            .collect(
                Collectors.joining(", ", definition.sinks().size() == 1 ? "sink " : "sinks ", ""))
        + definition.deadLetter().map(d -> ", dead letters to " + d.type().name()).orElse("")
        + "; checkpoints in "
        + definition.checkpointDirectory();
  }
}
