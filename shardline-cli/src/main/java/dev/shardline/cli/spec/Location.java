package dev.shardline.cli.spec;

/**
 * A place in a pipeline file, 1-based, as editors count.
 *
 * @param line the line
 * @param column the column
 */
public record Location(int line, int column) {
  @Override
  public String toString() {
    return line + ":" + column;
  }
}
