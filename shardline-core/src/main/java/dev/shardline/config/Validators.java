package dev.shardline.config;

import static dev.shardline.util.Preconditions.checkArgument;
import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.internal.Values;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Common single-option rules. Each rule's text is both the error (after the key and value) and the
 * doc. Every validator here is immutable and thread-safe.
 *
 * <pre>{@code
 * .withValidator(Validators.atLeast(1))                          // "must be at least 1"
 * .withValidator(Validators.greaterThan(Duration.ZERO))          // "must be greater than 0ms"
 * .withValidator(Validators.atMost(DataSize.ofMebibytes(5)))     // "must be at most 5MiB"
 * .withValidator(Validators.hostAndPortList("127.0.0.1:9092"))   // brokers, ports 1 to 65535
 * .withValidator(Validators.httpUrl("http://127.0.0.1:4567"))     // an http(s) endpoint
 * }</pre>
 */
public final class Validators {
  private static final int MAX_PORT = 65535;

  /** A host name or IPv4 address; IPv6 addresses are written in brackets. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");

  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");

  private Validators() {}

  /** {@code value >= min}. */
  public static <T extends Comparable<? super T>> Validator<T> atLeast(T min) {
    checkNotNull(min, "min");
    return Validator.of("must be at least " + Values.display(min), v -> v.compareTo(min) >= 0);
  }

  /** {@code value > min}. */
  public static <T extends Comparable<? super T>> Validator<T> greaterThan(T min) {
    checkNotNull(min, "min");
    return Validator.of("must be greater than " + Values.display(min), v -> v.compareTo(min) > 0);
  }

  /** {@code value <= max}. */
  public static <T extends Comparable<? super T>> Validator<T> atMost(T max) {
    checkNotNull(max, "max");
    return Validator.of("must be at most " + Values.display(max), v -> v.compareTo(max) <= 0);
  }

  /** {@code min <= value <= max}. */
  public static <T extends Comparable<? super T>> Validator<T> between(T min, T max) {
    checkNotNull(min, "min");
    checkNotNull(max, "max");
    checkArgument(min.compareTo(max) <= 0, "min must not exceed max");
    return Validator.of(
        "must be from " + Values.display(min) + " to " + Values.display(max),
        v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0);
  }

  /** Not empty and not only whitespace. */
  public static Validator<String> notBlank() {
    return Validator.of("must not be empty", s -> !s.isBlank());
  }

  /**
   * A list of {@code host:port} pairs separated by commas, as Kafka's {@code bootstrap.servers}:
   * each host a name or an IPv4 address, or an IPv6 address in brackets ({@code [::1]:9092}), each
   * port from 1 to 65535, no scheme, no empty entries. The error names the entry at fault, quoting
   * it: not for secret options.
   *
   * @param example a correct value to show in errors, e.g. {@code 127.0.0.1:9092}
   */
  public static Validator<String> hostAndPortList(String example) {
    checkNotNull(example, "example");
    String rule =
        "must be host:port pairs separated by commas, such as "
            + example
            + " (IPv6 addresses in brackets, such as [::1]:9092; ports from 1 to "
            + MAX_PORT
            + "; no scheme)";
    return new Validator<>() {
      @Override
      public void ensureValid(String value) {
        String[] entries = value.split(",", -1);
        if (value.isBlank()) {
          throw new IllegalArgumentException(
              "must name at least one server as host:port, such as " + example);
        }
        for (int i = 0; i < entries.length; i++) {
          String entry = entries[i].trim();
          String problem = hostAndPortProblem(entry);
          if (problem != null) {
            String which =
                entries.length == 1
                    ? "the server"
                    : "entry "
                        + (i + 1)
                        + " of "
                        + entries.length
                        + (entry.isEmpty() ? "" : " (\"" + entry + "\")");
            throw new IllegalArgumentException(
                which
                    + " "
                    + problem
                    + "; write host:port pairs separated by commas, such as "
                    + example);
          }
        }
      }

      @Override
      public String description() {
        return rule;
      }
    };
  }

  /** What is wrong with one {@code host:port} entry, or null when it is fine. */
  private static String hostAndPortProblem(String entry) {
    if (entry.isEmpty()) {
      return "is empty (two commas in a row, or one at an end)";
    }
    Matcher scheme = SCHEME.matcher(entry);
    if (scheme.find()) {
      return "has a scheme (" + scheme.group(1) + "://)";
    }
    String host;
    String port;
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      if (close < 0) {
        return "has no closing ] after the IPv6 address";
      }
      host = entry.substring(1, close);
      String rest = entry.substring(close + 1);
      if (!rest.startsWith(":")) {
        return "has no port after the ]";
      }
      port = rest.substring(1);
      if (!IPV6.matcher(host).matches() || !host.contains(":")) {
        return "has no valid IPv6 address in its brackets";
      }
    } else {
      int colon = entry.lastIndexOf(':');
      if (colon < 0) {
        return "has no port";
      }
      host = entry.substring(0, colon);
      port = entry.substring(colon + 1);
      if (host.contains(":")) {
        return "looks like an IPv6 address without brackets (write [::1]:9092)";
      }
      if (host.isEmpty()) {
        return "has no host before the :";
      }
      if (!HOST.matcher(host).matches()) {
        return "has an invalid host (a host is a name such as broker-1.example.com or an IP"
            + " address)";
      }
    }
    return portProblem(port);
  }

  /** What is wrong with a port written as text, or null when it is a number from 1 to 65535. */
  private static String portProblem(String port) {
    if (port.isEmpty()) {
      return "has no port after the :";
    }
    if (!port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "has port \"" + port + "\", not a number";
    }
    if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > MAX_PORT) {
      return "has port " + port + ", outside 1 to " + MAX_PORT;
    }
    return null;
  }

  /**
   * An {@code http://} or {@code https://} URL with a host and, when it gives one, a port from 1 to
   * 65535. The error says what is wrong.
   *
   * @param example a correct value to show in errors, e.g. {@code http://127.0.0.1:4567}
   */
  public static Validator<String> httpUrl(String example) {
    checkNotNull(example, "example");
    String rule =
        "must be an http or https URL with a host and an optional port from 1 to "
            + MAX_PORT
            + ", such as "
            + example;
    return new Validator<>() {
      @Override
      public void ensureValid(String value) {
        String problem = httpUrlProblem(value.trim());
        if (problem != null) {
          throw new IllegalArgumentException(problem + "; write a URL such as " + example);
        }
      }

      @Override
      public String description() {
        return rule;
      }
    };
  }

  private static String httpUrlProblem(String text) {
    if (!text.contains("://")) {
      return "has no scheme; start it with http:// or https://";
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "not a URL (" + e.getReason() + " at index " + e.getIndex() + ")";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return uri.getScheme() == null
          ? "has no scheme; start it with http:// or https://"
          : "has scheme " + uri.getScheme() + ", not http or https";
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      return "has no host";
    }
    // the port as written: after the last ':' that is not inside an IPv6 address's brackets
    int colon = authority.lastIndexOf(':');
    if (colon > authority.lastIndexOf(']')) {
      String problem = portProblem(authority.substring(colon + 1));
      if (problem != null) {
        return problem;
      }
    }
    if (uri.getHost() == null) {
      return "has no valid host";
    }
    return null;
  }
}
