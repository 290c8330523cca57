package dev.shardline.cli.spec;

import dev.shardline.config.ConfigException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline file that cannot be run: every {@link Problem} found, each naming the file, the line,
 * the key and the fix. Immutable.
 */
public final class PipelineFileException extends ConfigException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public PipelineFileException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order. */
  public List<Problem> problems() {
    return problems;
  }
}
