package dev.shardline.config.internal;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.DataSize;
import dev.shardline.config.OptionType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The built-in {@link OptionType}s. Error messages never repeat the value: it may be secret. */
public final class OptionTypes {
  private OptionTypes() {}

  public static final OptionType<String> STRING =
      new Simple<>("string", String.class) {
        @Override
        public String parse(Object raw) {
          if (raw instanceof String s) {
            return s;
          }
          if (raw instanceof Number || raw instanceof Boolean || raw instanceof Character) {
            return String.valueOf(raw);
          }
          throw new IllegalArgumentException("not a text value; write it as a single string");
        }
      };

  public static final OptionType<Integer> INT =
      new Simple<>("int", Integer.class) {
        @Override
        public Integer parse(Object raw) {
          return (int) wholeNumber(raw, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
      };

  public static final OptionType<Long> LONG =
      new Simple<>("long", Long.class) {
        @Override
        public Long parse(Object raw) {
          return wholeNumber(raw, Long.MIN_VALUE, Long.MAX_VALUE);
        }
      };

  public static final OptionType<Double> DOUBLE =
      new Simple<>("double", Double.class) {
        @Override
        public Double parse(Object raw) {
          double value;
          if (raw instanceof Number n) {
            value = n.doubleValue();
          } else if (raw instanceof String s) {
            try {
              value = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(
                  "not a number; use digits with an optional decimal point, such as 0.5");
            }
          } else {
            throw new IllegalArgumentException(
                "not a number; use digits with an optional decimal point, such as 0.5");
          }
          if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number; use a number such as 0.5");
          }
          return value;
        }
      };

  public static final OptionType<Boolean> BOOLEAN =
      new Simple<>("boolean", Boolean.class) {
        @Override
        public Boolean parse(Object raw) {
          if (raw instanceof Boolean b) {
            return b;
          }
          if (raw instanceof String s) {
            String t = s.trim();
            if (t.equalsIgnoreCase("true")) {
              return true;
            }
            if (t.equalsIgnoreCase("false")) {
              return false;
            }
          }
          throw new IllegalArgumentException("not a boolean; use true or false");
        }
      };

  public static final OptionType<Duration> DURATION =
      new Simple<>("duration", Duration.class) {
        @Override
        public Duration parse(Object raw) {
          if (raw instanceof Duration d) {
            return d;
          }
          if (raw instanceof String s) {
            return DurationFormat.parse(s);
          }
          if (raw instanceof Number n && n.doubleValue() == 0.0) {
            return Duration.ZERO;
          }
          if (raw instanceof Number) {
            throw new IllegalArgumentException(
                DurationFormat.HOW_TO_WRITE + " (a bare number has no unit)");
          }
          throw new IllegalArgumentException(DurationFormat.HOW_TO_WRITE);
        }

        @Override
        public String format(Duration value) {
          return DurationFormat.format(value);
        }
      };

  public static final OptionType<DataSize> DATA_SIZE =
      new Simple<>("data size", DataSize.class) {
        @Override
        public DataSize parse(Object raw) {
          if (raw instanceof DataSize d) {
            return d;
          }
          if (raw instanceof String s) {
            return DataSize.parse(s);
          }
          if (raw instanceof Number) {
            long bytes = wholeNumber(raw, Long.MIN_VALUE, Long.MAX_VALUE);
            if (bytes < 0) {
              throw new IllegalArgumentException("a data size cannot be negative");
            }
            return DataSize.ofBytes(bytes);
          }
          throw new IllegalArgumentException(
              "not a data size; use a number of bytes or a number with a unit, such as 512KB, 4MB"
                  + " or 1MiB");
        }
      };

  public static final OptionType<List<String>> STRING_LIST =
      new Simple<>("list<string>", List.class) {
        @Override
        public List<String> parse(Object raw) {
          List<String> out = new ArrayList<>();
          if (raw instanceof List<?> list) {
            for (Object element : list) {
              if (!isScalar(element)) {
                throw new IllegalArgumentException(
                    "a list element is not a single value; write the list as plain values,"
                        + " such as [a, b]");
              }
              out.add(Values.display(element));
            }
          } else if (raw instanceof String s) {
            Arrays.stream(s.split(","))
                .map(String::trim)
                .filter(e -> !e.isEmpty())
                .forEach(out::add);
          } else if (isScalar(raw)) {
            out.add(String.valueOf(raw));
          } else {
            throw new IllegalArgumentException(
                "not a list; write it as a YAML list, such as [a, b], or as values separated by"
                    + " commas");
          }
          return Collections.unmodifiableList(out);
        }

        @Override
        public String format(List<String> value) {
          return String.join(",", value);
        }
      };

  /** Maps also collect the nested keys below the option's key; see {@link StringMapType}. */
  public static final StringMapType STRING_MAP = new StringMapType();

  /** An enum type: case-insensitive, with {@code -} and {@code _} interchangeable. */
  public static <E extends Enum<E>> OptionType<E> enumType(Class<E> enumClass) {
    checkNotNull(enumClass, "enumClass");
    E[] constants = enumClass.getEnumConstants();
    String allowed =
        Arrays.stream(constants).map(Values::enumText).collect(Collectors.joining(", "));
    return new Simple<>("enum", enumClass) {
      @Override
      public String detail() {
        return allowed;
      }

      @Override
      public E parse(Object raw) {
        if (enumClass.isInstance(raw)) {
          return enumClass.cast(raw);
        }
        if (raw instanceof String s) {
          String wanted = s.trim().replace('_', '-').toLowerCase(Locale.ROOT);
          for (E constant : constants) {
            if (Values.enumText(constant).equals(wanted)) {
              return constant;
            }
          }
        }
        throw new IllegalArgumentException("must be one of " + allowed);
      }

      @Override
      public String format(E value) {
        return Values.enumText(value);
      }
    };
  }

  /**
   * {@code Map<String, String>}: a map value, {@code key=value} pairs separated by commas, and the
   * nested keys below the option's key, which {@link dev.shardline.config.Configuration#get} adds
   * (so {@code clientConfigProperties: {maxConnections: 50}} works in YAML and {@code
   * clientConfigProperties.maxConnections=50} in flat form).
   */
  public static final class StringMapType extends Simple<Map<String, String>> {
    private StringMapType() {
      super("map<string,string>", Map.class);
    }

    @Override
    public Map<String, String> parse(Object raw) {
      Map<String, String> out = new LinkedHashMap<>();
      if (raw instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!isScalar(e.getValue())) {
            throw new IllegalArgumentException(
                "a map value is not a single value; write each entry as key: value");
          }
          out.put(String.valueOf(e.getKey()), Values.display(e.getValue()));
        }
      } else if (raw instanceof String s) {
        for (String pair : s.split(",")) {
          if (pair.isBlank()) {
            continue;
          }
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException(
                "not a map; write it as nested keys, or as key=value pairs separated by commas");
          }
          out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      } else {
        throw new IllegalArgumentException(
            "not a map; write it as nested keys, or as key=value pairs separated by commas");
      }
      return Collections.unmodifiableMap(out);
    }

    @Override
    public String format(Map<String, String> value) {
      return value.entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(","));
    }
  }

  static boolean isScalar(Object value) {
    return value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof Character
        || value instanceof Enum<?>
        || value instanceof Duration
        || value instanceof DataSize;
  }

  /** A whole number within [min, max] from a number or its text. */
  static long wholeNumber(Object raw, long min, long max) {
    BigDecimal value;
    if ((raw instanceof Double d && !Double.isFinite(d))
        || (raw instanceof Float f && !Float.isFinite(f))) {
      throw new IllegalArgumentException("not a whole number; use digits only, such as 10");
    }
    if (raw instanceof Number n) {
      value =
          n instanceof BigInteger b
              ? new BigDecimal(b)
              : (n instanceof BigDecimal d ? d : new BigDecimal(n.toString()));
    } else if (raw instanceof String s) {
      try {
        value = new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number; use digits only, such as 10");
      }
    } else {
      throw new IllegalArgumentException("not a whole number; use digits only, such as 10");
    }
    if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException("not a whole number; use digits only, such as 10");
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new IllegalArgumentException(
          "out of range; use a whole number from " + min + " to " + max);
    }
    return value.longValueExact();
  }

  /** A type with a fixed name, formatted by {@link String#valueOf}. */
  abstract static class Simple<T> implements OptionType<T> {
    private final String name;
    private final Class<?> valueClass;

    Simple(String name, Class<?> valueClass) {
      this.name = name;
      this.valueClass = valueClass;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Class<?> valueClass() {
      return valueClass;
    }

    @Override
    public String format(T value) {
      return String.valueOf(value);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
