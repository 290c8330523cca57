package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Generates the option reference: a Markdown table (key, type, default, description) from {@code
 * *Options} classes, so the docs come from the same declarations as the builders and the YAML.
 * Secret options show no default. Thread-safe (stateless).
 *
 * <pre>{@code
 * String table = OptionsMarkdown.table(OptionSet.of(FormatOptions.class, BadDataOptions.class));
 * }</pre>
 *
 * <p>From the command line: {@code java -cp ... dev.shardline.config.OptionsMarkdown
 * dev.shardline.format.FormatOptions ...} prints the table of those classes.
 */
public final class OptionsMarkdown {
  private OptionsMarkdown() {}

  /** The reference table of {@code options}, in declaration order, ending in a newline. */
  public static String table(OptionSet options) {
    checkNotNull(options, "options");
    StringBuilder out = new StringBuilder();
    out.append("| Key | Type | Default | Description |\n");
    out.append("|---|---|---|---|\n");
    for (ConfigOption<?> option : options.options()) {
      out.append("| `")
          .append(option.key())
          .append("` | ")
          .append(escape(typeOf(option)))
          .append(" | ")
          .append(defaultOf(option))
          .append(" | ")
          .append(escape(descriptionOf(option)))
          .append(" |\n");
    }
    return out.toString();
  }

  /** Prints the table of the {@code *Options} classes named in {@code args}. */
  public static void main(String[] args) throws ClassNotFoundException {
    List<Class<?>> classes = new ArrayList<>();
    for (String name : args) {
      classes.add(Class.forName(name));
    }
    System.out.print(table(OptionSet.of(classes.toArray(new Class<?>[0]))));
  }

  private static String typeOf(ConfigOption<?> option) {
    String detail = option.type().detail();
    return detail.isEmpty() ? option.type().name() : option.type().name() + " (" + detail + ")";
  }

  private static <T> String defaultOf(ConfigOption<T> option) {
    if (option.isSecret()) {
      return "(secret)";
    }
    return option
        .defaultValue()
        .map(option.type()::format)
        .map(text -> text.isEmpty() ? "(empty)" : "`" + escape(text) + "`")
        .orElse("(none)");
  }

  private static String descriptionOf(ConfigOption<?> option) {
    StringBuilder out = new StringBuilder(option.description().trim());
    String rules = option.rules();
    if (!rules.isEmpty()) {
      appendSentence(out, Character.toUpperCase(rules.charAt(0)) + rules.substring(1));
    }
    if (option.isSecret()) {
      appendSentence(out, "Secret: never shown in logs, errors or toString()");
    }
    return out.toString();
  }

  private static void appendSentence(StringBuilder out, String sentence) {
    if (out.length() > 0) {
      if (out.charAt(out.length() - 1) != '.') {
        out.append('.');
      }
      out.append(' ');
    }
    out.append(sentence).append('.');
  }

  private static String escape(String text) {
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }
}
