package dev.shardline.kinesis.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Kinesis client settings one may pass through {@code clientConfigProperties}, read and
 * checked. Keys are case-insensitive; the Kinesis Client Library's and Stateful Functions' names
 * are accepted as aliases. Immutable.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key (aliases)</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>maxConcurrency (MaxConnections)</td><td>connections to Kinesis; for a polling
 *   source or a sink (the synchronous client) also the most calls at once, each on a thread made
 *   as needed; a source's enumerator and readers in one JVM share one client, so these
 *   too</td><td>50</td></tr>
 *   <tr><td>connectionTimeout (ConnectTimeout)</td><td>to open a connection</td><td>10s</td></tr>
 *   <tr><td>readTimeout (SocketTimeout)</td><td>between bytes of an answer</td><td>30s</td></tr>
 *   <tr><td>apiCallTimeout (RequestTimeout)</td><td>a whole call</td><td>none</td></tr>
 *   <tr><td>apiCallAttemptTimeout</td><td>one attempt of a call</td><td>none</td></tr>
 *   <tr><td>eventLoopThreads</td><td>Netty I/O threads (the asynchronous client: a fan-out
 *   source, or protocol HTTP2)</td><td>2</td></tr>
 *   <tr><td>protocol</td><td>HTTP1_1 or HTTP2</td><td>HTTP2 for the source's reader.type
 *   fan-out, else HTTP1_1</td></tr>
 *   <tr><td>cborEnabled</td><td>CBOR (true) or JSON (false) on the wire</td><td>true</td></tr>
 * </table>
 *
 * @param maxConcurrency the most connections, 1 or more
 * @param connectionTimeout how long opening a connection may take
 * @param readTimeout how long to wait between bytes of an answer
 * @param apiCallTimeout how long a whole call may take, or empty
 * @param apiCallAttemptTimeout how long one attempt may take, or empty
 * @param eventLoopThreads Netty's I/O threads, 1 or more
 * @param http2 whether to speak HTTP/2
 * @param cbor whether to speak CBOR (the SDK's default); JSON when false, for servers such as
 *     kinesalite that mishandle CBOR
 */
public record KinesisClientProperties(
    int maxConcurrency,
    Duration connectionTimeout,
    Duration readTimeout,
    Optional<Duration> apiCallTimeout,
    Optional<Duration> apiCallAttemptTimeout,
    int eventLoopThreads,
    boolean http2,
    boolean cbor) {

  /** The defaults, for no properties. */
  public static final KinesisClientProperties DEFAULTS =
      new KinesisClientProperties(
          50,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Optional.empty(),
          Optional.empty(),
          2,
          false,
          true);

  private static final Map<String, String> ALIASES = aliases();
  private static final ConfigOption<Duration> DURATION =
      ConfigOptions.key("duration").durationType().noDefaultValue();

  /**
   * Reads properties as {@code clientConfigProperties} holds them.
   *
   * @throws ConfigException naming the property, the value and the fix
   */
  public static KinesisClientProperties from(Map<String, String> properties) {
    checkNotNull(properties, "properties");
    int maxConcurrency = DEFAULTS.maxConcurrency;
    Duration connectionTimeout = DEFAULTS.connectionTimeout;
    Duration readTimeout = DEFAULTS.readTimeout;
    Optional<Duration> apiCallTimeout = DEFAULTS.apiCallTimeout;
    Optional<Duration> apiCallAttemptTimeout = DEFAULTS.apiCallAttemptTimeout;
    int eventLoopThreads = DEFAULTS.eventLoopThreads;
    boolean http2 = DEFAULTS.http2;
    boolean cbor = DEFAULTS.cbor;
    for (Map.Entry<String, String> e : properties.entrySet()) {
      String canonical = ALIASES.get(e.getKey().toLowerCase(Locale.ROOT));
      String key = "clientConfigProperties." + e.getKey();
      String value = e.getValue() == null ? "" : e.getValue().trim();
      if (canonical == null) {
        throw new ConfigException(
            key,
            "Unknown client property \"" + e.getKey() + "\"; known ones are " + describeKeys());
      }
      switch (canonical) {
        case "maxConcurrency" -> maxConcurrency = positiveInt(key, value);
        case "connectionTimeout" -> connectionTimeout = duration(key, value);
        case "readTimeout" -> readTimeout = duration(key, value);
        case "apiCallTimeout" -> apiCallTimeout = Optional.of(duration(key, value));
        case "apiCallAttemptTimeout" -> apiCallAttemptTimeout = Optional.of(duration(key, value));
        case "eventLoopThreads" -> eventLoopThreads = positiveInt(key, value);
        case "protocol" -> {
          String p = value.toUpperCase(Locale.ROOT).replace("/", "").replace(".", "_");
          if (p.equals("HTTP2")) {
            http2 = true;
          } else if (p.equals("HTTP1_1") || p.equals("HTTP11")) {
            http2 = false;
          } else {
            throw new ConfigException(key, value, false, "must be HTTP1_1 or HTTP2");
          }
        }
        case "cborEnabled" -> cbor = bool(key, value);
        default -> throw new IllegalStateException("Unhandled client property " + canonical);
      }
    }
    return new KinesisClientProperties(
        maxConcurrency,
        connectionTimeout,
        readTimeout,
        apiCallTimeout,
        apiCallAttemptTimeout,
        eventLoopThreads,
        http2,
        cbor);
  }

  /** The accepted keys for docs: {@code maxConcurrency (MaxConnections), ...}. */
  public static String describeKeys() {
    return "maxConcurrency (MaxConnections; default 50: connections, and for a polling source or"
        + " a sink also the most calls at once, each on a thread made as needed; a source's"
        + " enumerator and readers in one JVM share one client, so these too),"
        + " connectionTimeout (ConnectTimeout; 10s), readTimeout (SocketTimeout; 30s),"
        + " apiCallTimeout (RequestTimeout; none), apiCallAttemptTimeout (none),"
        + " eventLoopThreads (2: the Netty I/O threads of a fan-out source or of protocol HTTP2),"
        + " protocol (HTTP1_1 or HTTP2; HTTP2 for reader.type fan-out, else HTTP1_1 on the"
        + " SDK's synchronous client), cborEnabled (true; false for servers that only speak JSON,"
        + " such as kinesalite)";
  }

  private static Map<String, String> aliases() {
    Map<String, String> map = new LinkedHashMap<>();
    for (String key :
        List.of(
            "maxConcurrency",
            "connectionTimeout",
            "readTimeout",
            "apiCallTimeout",
            "apiCallAttemptTimeout",
            "eventLoopThreads",
            "protocol",
            "cborEnabled")) {
      map.put(key.toLowerCase(Locale.ROOT), key);
    }
    map.put("maxconnections", "maxConcurrency");
    map.put("connecttimeout", "connectionTimeout");
    map.put("sockettimeout", "readTimeout");
    map.put("requesttimeout", "apiCallTimeout");
    return map;
  }

  private static int positiveInt(String key, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ConfigException(key, value, false, "must be a whole number, 1 or more");
  }

  private static boolean bool(String key, String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new ConfigException(key, value, false, "must be true or false");
  }

  private static Duration duration(String key, String value) {
    Duration d;
    try {
      if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
        d = Duration.ofMillis(Long.parseLong(value));
      } else {
        d = DURATION.type().parse(value);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key, value, false, "not a duration; use milliseconds or a number with a unit, e.g. 30s");
    }
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(key, value, false, "must be longer than 0ms");
    }
    return d;
  }

  @Override
  public String toString() {
    return Map.of(
            "maxConcurrency", maxConcurrency,
            "connectionTimeout", connectionTimeout,
            "readTimeout", readTimeout,
            "eventLoopThreads", eventLoopThreads,
            "http2", http2,
            "cbor", cbor)
        .entrySet()
        .stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .sorted()
        .collect(Collectors.joining(", ", "KinesisClientProperties{", "}"));
  }
}
