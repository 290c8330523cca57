package dev.shardline.cli.spec;

import static dev.shardline.util.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a pipeline file into {@link YamlNode}s that remember their line and column, and replaces
 * {@code ${NAME}} (or {@code ${NAME:-default}}) in string values with environment variables; {@code
 * $$} is a literal {@code $}. Problems (a syntax error, a key given twice, a variable that is not
 * set) are collected, not thrown, so {@code validate} reports them all. Not thread-safe: one reader
 * per file.
 */
public final class YamlReader {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$\\{[^}]*}?");

  private final Path file;
  private final Function<String, String> environment;
  private final List<Problem> problems = new ArrayList<>();

  /**
   * @param file the file's name, for problems
   * @param environment the environment variables ({@code System::getenv})
   */
  public YamlReader(Path file, Function<String, String> environment) {
    this.file = checkNotNull(file, "file");
    this.environment = checkNotNull(environment, "environment");
  }

  /** The problems found so far. */
  public List<Problem> problems() {
    return List.copyOf(problems);
  }

  /**
   * The document in {@code text}, or null when it is empty or cannot be parsed (see {@link
   * #problems()}).
   */
  public YamlNode read(Reader text) {
    try (JsonParser parser = YAML.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      YamlNode root = readValue(parser, "");
      if (parser.nextToken() != null) {
        problems.add(
            new Problem(
                file,
                location(parser.currentTokenLocation()),
                "",
                "The file holds more than one YAML document; keep one pipeline per file"));
      }
      return root;
    } catch (JsonProcessingException e) {
      problems.add(
          new Problem(
              file,
              e.getLocation() == null ? null : location(e.getLocation()),
              "",
              "Not valid YAML: " + syntaxError(e) + "; check the indentation and quoting"));
      return null;
    } catch (IOException e) {
      problems.add(new Problem(file, null, "", "Cannot read the file: " + e.getMessage()));
      return null;
    }
  }

  /**
   * What the YAML parser found wrong, in one line: SnakeYAML's problem ("expected ',' or ']', but
   * got <block mapping start>") with its context and where that started ("while parsing a flow
   * sequence started at line 4, column 9"); Jackson's message alone is only the context's first
   * line, and its later lines carry the file's text and a "Source: REDACTED" note.
   */
  static String syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      String problem = marked.getProblem().strip();
      if (marked.getContext() == null) {
        return problem;
      }
      Mark context = marked.getContextMark();
      return problem
          + " ("
          + marked.getContext().strip()
          + (context == null
              ? ""
              : " started at line "
                  + (context.getLine() + 1)
                  + ", column "
                  + (context.getColumn() + 1))
          + ")";
    }
    return e.getOriginalMessage().lines().findFirst().orElse("").strip();
  }

  private YamlNode readValue(JsonParser parser, String path) throws IOException {
    Location location = location(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        return readMap(parser, path, location);
      case START_ARRAY:
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(parser, path + "[" + items.size() + "]"));
        }
        return new YamlNode.ListNode(items, location);
      case VALUE_STRING:
        return substitute(parser.getText(), location, path);
      case VALUE_NUMBER_INT:
        return new YamlNode.ScalarNode(parser.getNumberValue(), location, false);
      case VALUE_NUMBER_FLOAT:
        return new YamlNode.ScalarNode(parser.getDoubleValue(), location, false);
      case VALUE_TRUE:
        return new YamlNode.ScalarNode(Boolean.TRUE, location, false);
      case VALUE_FALSE:
        return new YamlNode.ScalarNode(Boolean.FALSE, location, false);
      case VALUE_NULL:
        return new YamlNode.ScalarNode(null, location, false);
      default:
        // aliases and other YAML features Jackson hands over as text
        return new YamlNode.ScalarNode(parser.getText(), location, false);
    }
  }

  private YamlNode readMap(JsonParser parser, String path, Location location) throws IOException {
    Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      Location keyLocation = location(parser.currentTokenLocation());
      String keyPath = path.isEmpty() ? key : path + "." + key;
      parser.nextToken();
      YamlNode value = readValue(parser, keyPath);
      YamlNode.Entry previous = entries.get(key);
      if (previous != null) {
        problems.add(
            new Problem(
                file,
                keyLocation,
                keyPath,
                "Key given twice (first on line "
                    + previous.keyLocation().line()
                    + "); keep one of them"));
        continue;
      }
      entries.put(key, new YamlNode.Entry(key, keyLocation, value));
    }
    return new YamlNode.MapNode(entries, location);
  }

  private YamlNode.ScalarNode substitute(String text, Location location, String path) {
    if (text.indexOf('$') < 0) {
      return new YamlNode.ScalarNode(text, location, false);
    }
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean fromEnvironment = false;
    while (matcher.find()) {
      String replacement;
      if (matcher.group().equals("$$")) {
        replacement = "$";
      } else if (matcher.group(1) == null) {
        problems.add(
            new Problem(
                file,
                location,
                path,
                "Malformed environment variable reference \""
                    + matcher.group()
                    + "\"; write ${NAME} or ${NAME:-default} (NAME: letters, digits, _), or $$ for"
                    + " a literal $"));
        replacement = matcher.group();
      } else {
        String name = matcher.group(1);
        String value = environment.apply(name);
        fromEnvironment = true;
        if (value == null) {
          value = matcher.group(2);
        }
        if (value == null) {
          problems.add(
              new Problem(
                  file,
                  location,
                  path,
                  "Environment variable "
                      + name
                      + " is not set; set it (export "
                      + name
                      + "=...), or give a default: ${"
                      + name
                      + ":-default}"));
          value = "";
        }
        replacement = value;
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return new YamlNode.ScalarNode(out.toString(), location, fromEnvironment);
  }

  private static Location location(JsonLocation location) {
    return new Location(Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
  }
}
