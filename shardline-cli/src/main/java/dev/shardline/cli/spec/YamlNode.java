package dev.shardline.cli.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a parsed pipeline file that remembers where it was written: a map (keys in file order,
 * each with the key's location), a list, or a scalar. {@link #toPlain()} gives what a plain YAML
 * parser would (maps, lists, strings, numbers, booleans) for {@code Configuration.fromMap}.
 * Immutable.
 */
public sealed interface YamlNode {

  /** Where the node starts. */
  Location location();

  /** The node as plain Java maps, lists and scalars. */
  Object toPlain();

  /** A mapping; {@code null} values are kept as scalars holding null. */
  record MapNode(Map<String, Entry> entries, Location location) implements YamlNode {
    public MapNode {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The value at {@code key}, or null. */
    public YamlNode get(String key) {
      Entry entry = entries.get(key);
      return entry == null ? null : entry.value();
    }

    @Override
    public Map<String, Object> toPlain() {
      Map<String, Object> plain = new LinkedHashMap<>();
      entries.forEach((key, entry) -> plain.put(key, entry.value().toPlain()));
      return plain;
    }
  }

  /**
   * One key of a mapping.
   *
   * @param key the key as written
   * @param keyLocation where the key is
   * @param value its value
   */
  record Entry(String key, Location keyLocation, YamlNode value) {}

  /** A sequence. */
  record ListNode(List<YamlNode> items, Location location) implements YamlNode {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public List<Object> toPlain() {
      List<Object> plain = new ArrayList<>();
      items.forEach(item -> plain.add(item.toPlain()));
      return plain;
    }
  }

  /**
   * A scalar: a String, Long, Double, Boolean or null.
   *
   * @param value the value, after {@code ${VAR}} substitution
   * @param location where it is
   * @param fromEnvironment whether part of it came from an environment variable
   */
  record ScalarNode(Object value, Location location, boolean fromEnvironment) implements YamlNode {
    @Override
    public Object toPlain() {
      return value;
    }
  }
}
