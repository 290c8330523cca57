package dev.shardline.testkit.kafka.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * Keeps the Kafka broker and clients in this JVM from flooding the console: under slf4j-simple (the
 * binding on Shardline's test classpaths) their INFO output is thousands of lines per start.
 * Stateless; {@link #apply()} is safe to call from any thread, any number of times.
 */
public final class QuietLogging {
  /** slf4j-simple logger levels this sets, unless the user already sets them. */
  public static final Map<String, String> SLF4J_SIMPLE_LEVELS =
      Map.of(
          "org.slf4j.simpleLogger.log.kafka", "warn",
          "org.slf4j.simpleLogger.log.org.apache.kafka", "warn",
          // Warns on every fresh start that the metadata log is empty, which it always is here.
          "org.slf4j.simpleLogger.log.org.apache.kafka.controller", "error",
          // Reports every partition that addPartitions creates as an ERROR ("Expected partition
          // ... to exist, but it was missing. Creating..."): noise, not a failure.
          "org.slf4j.simpleLogger.log.state.change.logger", "off");

  private QuietLogging() {}

  /**
   * Sets the slf4j-simple levels of Kafka's loggers to WARN, as system properties, where neither a
   * system property nor {@code simplelogger.properties} sets them already. slf4j-simple reads a
   * logger's level when the logger is created, so this must run before Kafka classes load. Other
   * slf4j bindings (Logback, Log4j) ignore these properties.
   */
  public static void apply() {
    Properties userFile = simpleLoggerProperties();
    SLF4J_SIMPLE_LEVELS.forEach(
        (key, level) -> {
          if (!userFile.containsKey(key)) {
            System.getProperties().putIfAbsent(key, level);
          }
        });
  }

  private static Properties simpleLoggerProperties() {
    Properties properties = new Properties();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = QuietLogging.class.getClassLoader();
    }
    try (InputStream in = loader.getResourceAsStream("simplelogger.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      // Unreadable: slf4j-simple cannot read it either, so nothing in it to respect.
    }
    return properties;
  }
}
