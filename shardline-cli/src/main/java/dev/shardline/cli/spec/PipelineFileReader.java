package dev.shardline.cli.spec;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.cli.connect.ConnectorRegistry;
import dev.shardline.cli.connect.KeyExpression;
import dev.shardline.cli.connect.PipelineRecord;
import dev.shardline.cli.connect.SinkType;
import dev.shardline.cli.connect.SourceType;
import dev.shardline.cli.logging.Secrets;
import dev.shardline.cli.spec.PipelineDefinition.Section;
import dev.shardline.cli.transform.TransformType;
import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.PathChecks;
import dev.shardline.config.PathType;
import dev.shardline.config.internal.KeySuggester;
import dev.shardline.runtime.PipelineOptions;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads and checks a pipeline file: YAML syntax, {@code ${VAR}} substitution, the pipeline
 * settings, the source, transforms, sinks and dead-letter sink against their types' option
 * declarations, the cross-field rules, what the connectors' factories check, the metadata fields
 * named against the source's, and the paths named (directories to write creatable and writable,
 * files to read readable; nothing is created). Every problem is collected, each with the file, line
 * and key, so one run of {@code validate} shows them all. Secret values found are registered with
 * {@link Secrets}. Not thread-safe: one reader per file.
 *
 * <pre>{@code
 * PipelineDefinition definition = new PipelineFileReader(ConnectorRegistry.get(), System::getenv)
 *     .read(Path.of("orders.yaml")); // throws PipelineFileException listing every problem
 * }</pre>
 */
public final class PipelineFileReader {
  static final String SOURCE = "source";
  static final String TRANSFORMS = "transforms";
  static final String SINKS = "sinks";
  static final String DEAD_LETTER = "deadLetter";
  private static final Set<String> SECTIONS = Set.of(SOURCE, TRANSFORMS, SINKS, DEAD_LETTER);

  private final ConnectorRegistry registry;
  private final Function<String, String> environment;

  private Path file;
  private SectionChecker checker;
  private List<Problem> problems;

  public PipelineFileReader(ConnectorRegistry registry, Function<String, String> environment) {
    this.registry = checkNotNull(registry, "registry");
    this.environment = checkNotNull(environment, "environment");
  }

  /**
   * Reads and checks {@code path}.
   *
   * @throws PipelineFileException listing every problem found
   */
  public PipelineDefinition read(Path path) {
    checkNotNull(path, "path");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new PipelineFileException(
          List.of(new Problem(path, null, "", "No such file; check the path")));
    } catch (IOException e) {
      throw new PipelineFileException(
          List.of(new Problem(path, null, "", "Cannot read the file: " + e)));
    }
    return read(path, new StringReader(utf8Text(path, bytes)));
  }

  /**
   * The file's text; a file that is not UTF-8 text (a binary file, a file saved in another
   * encoding) is a problem at the line of its first bad byte.
   */
  private static String utf8Text(Path path, byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new PipelineFileException(
            List.of(
                new Problem(
                    path,
                    locationOf(bytes, i),
                    "",
                    "This is a binary file (it holds NUL bytes), not a YAML pipeline file; check"
                        + " the path")));
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new PipelineFileException(
          List.of(
              new Problem(
                  path,
                  locationOf(bytes, in.position()),
                  "",
                  String.format(
                      Locale.ROOT,
                      "Not UTF-8 text: byte 0x%02X at offset %d cannot be read as UTF-8; save the"
                          + " file as UTF-8 (it may be in another encoding, such as Latin-1)",
                      bytes[in.position()] & 0xFF,
                      in.position()))));
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  /** The line and column (counted in bytes) of byte {@code offset}. */
  private static Location locationOf(byte[] bytes, int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Location(line, offset - lineStart + 1);
  }

  /**
   * Reads and checks a pipeline file's {@code text}; {@code path} names it in problems.
   *
   * @throws PipelineFileException listing every problem found
   */
  public PipelineDefinition read(Path path, Reader text) {
    this.file = checkNotNull(path, "path");
    this.problems = new ArrayList<>();
    YamlReader yaml = new YamlReader(path, environment);
    YamlNode root = yaml.read(text);
    problems.addAll(yaml.problems());
    if (root == null) {
      if (problems.isEmpty()) {
        problems.add(
            new Problem(
                file, null, "", "The file is empty; a pipeline needs a name, a source and sinks"));
      }
      throw failure();
    }
    if (!(root instanceof YamlNode.MapNode top)) {
      problems.add(
          new Problem(
              file,
              root.location(),
              "",
              "A pipeline file is a mapping (name:, source:, sinks:, ...), not a list or a value"));
      throw failure();
    }
    Map<String, Location> locations = new HashMap<>();
    index(top, "", locations);
    checker = new SectionChecker(file, locations);

    Configuration settings = readSettings(top);
    Section<SourceType> source = readSource(top);
    List<Section<TransformType>> transforms = readTransforms(top);
    List<Section<SinkType>> sinks = readSinks(top);
    Optional<Section<SinkType>> deadLetter =
        Optional.ofNullable(top.entries().get(DEAD_LETTER))
            .flatMap(
                entry ->
                    readSection(
                        DEAD_LETTER,
                        entry.keyLocation(),
                        entry.value(),
                        "sink",
                        registry.sinks(),
                        SinkType::name,
                        SinkType::options));
    if (source != null) {
      checkMetadataFields(source, transforms, sinks, deadLetter);
    }
    checkCheckpointDirectory(settings);
    problems.sort(
        (a, b) ->
            Integer.compare(
                a.location() == null ? 0 : a.location().line(),
                b.location() == null ? 0 : b.location().line()));
    if (!problems.isEmpty() || source == null || sinks.isEmpty()) {
      throw failure();
    }
    return new PipelineDefinition(file, settings, source, transforms, sinks, deadLetter);
  }

  private PipelineFileException failure() {
    return new PipelineFileException(problems);
  }

  private Configuration readSettings(YamlNode.MapNode top) {
    Map<String, Object> plain = new LinkedHashMap<>();
    top.entries()
        .forEach(
            (key, entry) -> {
              if (!SECTIONS.contains(key)) {
                plain.put(key, entry.value().toPlain());
              }
            });
    Configuration settings = configuration("", new Location(1, 1), plain);
    if (settings == null) {
      return Configuration.empty();
    }
    OptionSet options = PipelineOptions.OPTIONS;
    Set<String> keys = new TreeSet<>(SECTIONS);
    options.options().forEach(o -> keys.add(o.key()));
    for (String key : options.unknownKeys(settings).stream().map(u -> u.key()).toList()) {
      Optional<String> suggestion = KeySuggester.suggest(key, keys);
      problems.add(
          checker.problem(
              "",
              null,
              key,
              (key.contains(".") ? "Unknown option \"" : "Unknown top-level key \"")
                  + key
                  + "\""
                  + suggestion
                      .map(s -> "; did you mean \"" + s + "\"?")
                      .orElse(
                          "; a pipeline file has name, parallelism, checkpoint, restart,"
                              + " source, transforms, sinks and deadLetter")));
    }
    // values and rules; unknown keys were reported above, with section names as suggestions
    Configuration known = Configuration.fromMap(knownOnly(flatten(plain), options));
    problems.addAll(checker.check("", new Location(1, 1), "the pipeline settings", options, known));
    registerSecrets(flatten(plain), options);
    return known;
  }

  private static Map<String, Object> knownOnly(Map<String, Object> flat, OptionSet options) {
    Map<String, Object> values = new LinkedHashMap<>();
    flat.forEach(
        (key, value) -> {
          if (options.accepts(key)) {
            values.put(key, value);
          }
        });
    return values;
  }

  /** Nested maps as dotted keys, as {@link Configuration#fromMap} reads them. */
  static Map<String, Object> flatten(Map<?, ?> map) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", map, flat);
    return flat;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> flat) {
    map.forEach(
        (key, value) -> {
          String dotted = prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key;
          if (value instanceof Map<?, ?> nested) {
            flatten(dotted, nested, flat);
          } else if (value != null) {
            flat.put(dotted, value);
          }
        });
  }

  private Section<SourceType> readSource(YamlNode.MapNode top) {
    YamlNode.Entry entry = top.entries().get(SOURCE);
    if (entry == null) {
      problems.add(
          new Problem(
              file,
              new Location(1, 1),
              SOURCE,
              "Missing section \"source\": add one with a type, e.g. source: {type: "
                  + registry.sources().get(0).name()
                  + ", ...}; source types: "
                  + names(registry.sources(), SourceType::name)));
      return null;
    }
    return readSection(
            SOURCE,
            entry.keyLocation(),
            entry.value(),
            "source",
            registry.sources(),
            SourceType::name,
            SourceType::options)
        .orElse(null);
  }

  private List<Section<TransformType>> readTransforms(YamlNode.MapNode top) {
    YamlNode.Entry entry = top.entries().get(TRANSFORMS);
    List<Section<TransformType>> transforms = new ArrayList<>();
    if (entry == null || entry.value() instanceof YamlNode.ScalarNode s && s.value() == null) {
      return transforms;
    }
    if (!(entry.value() instanceof YamlNode.ListNode list)) {
      problems.add(
          new Problem(
              file,
              entry.keyLocation(),
              TRANSFORMS,
              "transforms must be a list (each entry starting with \"- type: ...\")"));
      return transforms;
    }
    for (int i = 0; i < list.items().size(); i++) {
      YamlNode item = list.items().get(i);
      readSection(
              TRANSFORMS + "[" + i + "]",
              item.location(),
              item,
              "transform",
              registry.transforms(),
              TransformType::name,
              TransformType::options)
          .ifPresent(transforms::add);
    }
    return transforms;
  }

  private List<Section<SinkType>> readSinks(YamlNode.MapNode top) {
    YamlNode.Entry entry = top.entries().get(SINKS);
    List<Section<SinkType>> sinks = new ArrayList<>();
    if (entry == null) {
      problems.add(
          new Problem(
              file,
              new Location(1, 1),
              SINKS,
              "Missing section \"sinks\": add a list of one or more sinks, e.g. sinks: [{type:"
                  + " stdout}]; sink types: "
                  + names(registry.sinks(), SinkType::name)));
      return sinks;
    }
    if (!(entry.value() instanceof YamlNode.ListNode list) || list.items().isEmpty()) {
      problems.add(
          new Problem(
              file,
              entry.keyLocation(),
              SINKS,
              "sinks must be a list of one or more sinks (each entry starting with \"- type:"
                  + " ...\")"));
      return sinks;
    }
    for (int i = 0; i < list.items().size(); i++) {
      YamlNode item = list.items().get(i);
      readSection(
              SINKS + "[" + i + "]",
              item.location(),
              item,
              "sink",
              registry.sinks(),
              SinkType::name,
              SinkType::options)
          .ifPresent(sinks::add);
    }
    return sinks;
  }

  /** A section {@code {type: ..., options...}}, checked; empty when it has problems. */
  private <T> Optional<Section<T>> readSection(
      String path,
      Location location,
      YamlNode node,
      String kind,
      List<T> types,
      Function<T, String> nameOf,
      Function<T, OptionSet> optionsOf) {
    if (!(node instanceof YamlNode.MapNode map)) {
      problems.add(
          new Problem(
              file,
              location,
              path,
              "A "
                  + kind
                  + " is a mapping with a type and its options, e.g. {type: "
                  + nameOf.apply(types.get(0))
                  + ", ...}"));
      return Optional.empty();
    }
    YamlNode.Entry typeEntry = map.entries().get("type");
    if (typeEntry == null
        || !(typeEntry.value() instanceof YamlNode.ScalarNode scalar)
        || !(scalar.value() instanceof String typeName)) {
      problems.add(
          new Problem(
              file,
              typeEntry == null ? location : typeEntry.keyLocation(),
              path + ".type",
              (typeEntry == null ? "Missing \"type\"" : "\"type\" must be a name")
                  + "; "
                  + kind
                  + " types: "
                  + names(types, nameOf)));
      return Optional.empty();
    }
    Optional<T> type = types.stream().filter(t -> nameOf.apply(t).equals(typeName)).findFirst();
    if (type.isEmpty()) {
      Optional<String> suggestion =
          KeySuggester.suggest(typeName, types.stream().map(nameOf).toList());
      problems.add(
          new Problem(
              file,
              typeEntry.value().location(),
              path + ".type",
              "Unknown "
                  + kind
                  + " type \""
                  + typeName
                  + "\""
                  + suggestion.map(s -> "; did you mean \"" + s + "\"?").orElse("")
                  + " The "
                  + kind
                  + " types are: "
                  + names(types, nameOf)));
      return Optional.empty();
    }
    Map<String, Object> plain = new LinkedHashMap<>(map.toPlain());
    plain.remove("type");
    Configuration config = configuration(path, location, plain);
    if (config == null) {
      return Optional.empty();
    }
    OptionSet options = optionsOf.apply(type.get());
    registerSecrets(flatten(plain), options);
    String what = "a " + typeName + " " + kind;
    List<Problem> found = checker.check(path, location, what, options, config);
    if (found.isEmpty()) {
      found = pathProblems(path, location, options, config);
    }
    if (found.isEmpty()) {
      found = dryRun(path, location, type.get(), config);
    }
    problems.addAll(found);
    if (!found.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Section<>(path, location, type.get(), options.validate(config)));
  }

  /** Builds the connector once, offline, for what only its factory checks. */
  private List<Problem> dryRun(String path, Location location, Object type, Configuration config) {
    try {
      if (type instanceof SourceType source) {
        source.create(config);
      } else if (type instanceof SinkType sink) {
        sink.create(config);
      }
      return List.of();
    } catch (ConfigException e) {
      return List.of(checker.problem(path, location, e.key().orElse(""), e.getMessage()));
    } catch (RuntimeException e) {
      return List.of(checker.problem(path, location, "", "Cannot be built: " + e.getMessage()));
    }
  }

  private Configuration configuration(String path, Location location, Map<String, Object> plain) {
    try {
      return Configuration.fromMap(plain);
    } catch (ConfigException e) {
      problems.add(checker.problem(path, location, e.key().orElse(""), e.getMessage()));
      return null;
    }
  }

  /** The checkpoint directory, set or by default, can be created and written. */
  private void checkCheckpointDirectory(Configuration settings) {
    Path directory;
    try {
      directory = PipelineOptions.checkpointDirectory(settings);
    } catch (ConfigException e) {
      return; // reported with the settings
    }
    ConfigOption<Path> option = PipelineOptions.CHECKPOINT_DIRECTORY;
    PathChecks.problem(((PathType) option.type()).use(), directory, option.key())
        .ifPresent(
            message ->
                problems.add(checker.problem("", new Location(1, 1), option.key(), message)));
  }

  /** Every path option of a section can be used as it declares (offline: nothing is created). */
  private List<Problem> pathProblems(
      String path, Location location, OptionSet options, Configuration config) {
    List<Problem> found = new ArrayList<>();
    for (ConfigOption<?> option : options.options()) {
      if (option.type() instanceof PathType type && config.contains(option)) {
        PathChecks.problem(type.use(), (Path) config.get(option), path + "." + option.key())
            .ifPresent(
                message -> found.add(checker.problem(path, location, option.key(), message)));
      }
    }
    return found;
  }

  private void checkMetadataFields(
      Section<SourceType> source,
      List<Section<TransformType>> transforms,
      List<Section<SinkType>> sinks,
      Optional<Section<SinkType>> deadLetter) {
    List<String> available = new ArrayList<>(source.type().metadataFields());
    available.add(PipelineRecord.READ_TIME);
    for (Section<TransformType> transform : transforms) {
      for (String field : transform.type().metadataFields(transform.config())) {
        checkField(source, available, transform.path(), "fields." + field, field);
      }
    }
    List<Section<SinkType>> allSinks = new ArrayList<>(sinks);
    deadLetter.ifPresent(allSinks::add);
    for (Section<SinkType> sink : allSinks) {
      for (ConfigOption<String> option : sink.type().keyOptions()) {
        sink.config()
            .getOptional(option)
            .map(KeyExpression::parse)
            .flatMap(KeyExpression::metadataField)
            .ifPresent(field -> checkField(source, available, sink.path(), option.key(), field));
      }
    }
  }

  private void checkField(
      Section<SourceType> source, List<String> available, String path, String key, String field) {
    if (available.contains(field)) {
      return;
    }
    Optional<String> suggestion = KeySuggester.suggest(field, available);
    problems.add(
        checker.problem(
            path,
            null,
            key,
            "The "
                + source.type().name()
                + " source has no metadata field \""
                + field
                + "\""
                + suggestion.map(s -> "; did you mean \"" + s + "\"?").orElse(";")
                + " its fields are: "
                + String.join(", ", available)));
  }

  private static void registerSecrets(Map<String, Object> values, OptionSet options) {
    values.forEach(
        (key, value) -> {
          // a declared option says itself whether it is secret; other keys (unknown ones, keys
          // inside a map option such as properties.sasl.jaas.config) are judged by their names
          boolean secret =
              options
                  .find(key)
                  .map(ConfigOption::isSecret)
                  .orElseGet(() -> Secrets.looksSecret(key));
          if (!secret || value == null) {
            return;
          }
          if (value instanceof List<?> list) {
            list.forEach(item -> Secrets.register(String.valueOf(item)));
          } else {
            Secrets.register(String.valueOf(value));
          }
        });
  }

  private static <T> String names(List<T> types, Function<T, String> nameOf) {
    return types.stream().map(nameOf).collect(Collectors.joining(", "));
  }

  /** Indexes every key and list item by its path ({@code sinks[0].topic}). */
  private static void index(YamlNode node, String path, Map<String, Location> locations) {
    if (node instanceof YamlNode.MapNode map) {
      map.entries()
          .forEach(
              (key, entry) -> {
                String child = path.isEmpty() ? key : path + "." + key;
                locations.putIfAbsent(child, entry.keyLocation());
                index(entry.value(), child, locations);
              });
    } else if (node instanceof YamlNode.ListNode list) {
      for (int i = 0; i < list.items().size(); i++) {
        String child = path + "[" + i + "]";
        locations.putIfAbsent(child, list.items().get(i).location());
        index(list.items().get(i), child, locations);
      }
    }
  }
}
