package dev.shardline.cli.spec;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.UnknownKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks one section of a pipeline file against an {@link OptionSet} and reports every problem, not
 * only the first as {@link OptionSet#validate} does: each unknown key (with the closest declared
 * key), each bad value, then, when the values are fine, the cross-field rules. Each problem carries
 * the line of the key (or of the section, for a key that is missing).
 */
final class SectionChecker {
  private final Path file;
  private final Map<String, Location> locations;

  SectionChecker(Path file, Map<String, Location> locations) {
    this.file = file;
    this.locations = locations;
  }

  /**
   * The problems of {@code config}, the section at {@code path} ({@code ""} for the top level).
   *
   * @param what the section in words for unknown keys, e.g. "a kafka sink"
   */
  List<Problem> check(
      String path, Location sectionLocation, String what, OptionSet options, Configuration config) {
    List<Problem> problems = new ArrayList<>();
    for (UnknownKey unknown : options.unknownKeys(config)) {
      problems.add(
          problem(
              path,
              sectionLocation,
              unknown.key(),
              "Unknown option \""
                  + unknown.key()
                  + "\" in "
                  + what
                  + unknown
                      .suggestion()
                      .map(s -> "; did you mean \"" + s + "\"?")
                      .orElse(
                          "; remove it (the options of "
                              + what
                              + " are in shardline-cli/docs/pipeline-reference.md)")));
    }
    for (ConfigOption<?> option : options.options()) {
      try {
        config.getOptional(option);
      } catch (ConfigException e) {
        problems.add(problem(path, sectionLocation, option.key(), e.getMessage()));
      }
    }
    if (problems.isEmpty()) {
      for (ConfigValidator rule : options.validators()) {
        try {
          rule.validate(config);
        } catch (ConfigException e) {
          problems.add(problem(path, sectionLocation, e.key().orElse(""), e.getMessage()));
        }
      }
    }
    return problems;
  }

  /**
   * A problem about {@code key} of the section at {@code path}, at the key's line if it has one.
   */
  Problem problem(String path, Location sectionLocation, String key, String message) {
    String full = path.isEmpty() ? key : key.isEmpty() ? path : path + "." + key;
    return new Problem(file, locate(full, sectionLocation), full, message);
  }

  /** The location of {@code path}, or of its closest enclosing key that the file has. */
  Location locate(String path, Location fallback) {
    String current = path;
    while (!current.isEmpty()) {
      Location location = locations.get(current);
      if (location != null) {
        return location;
      }
      int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
      current = cut < 0 ? "" : current.substring(0, cut);
    }
    return fallback;
  }
}
