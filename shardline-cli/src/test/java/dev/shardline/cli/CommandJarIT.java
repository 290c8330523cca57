package dev.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The command's executable jar holds no test code and no server: those are in shardline-dev, which
 * the launcher loads only for {@code demo} and {@code dev}. Security scanners flag a jar that
 * carries a Kafka broker, Scala, log4j-core, JUnit or commons-collections 3.
 */
class CommandJarIT {
  /** 35 MB (35,000,000 bytes), the target read strictly. */
  private static final long MAX_BYTES = 35_000_000L;

  private static final Path JAR =
      Path.of(System.getProperty("shardline.jar", "target/shardline.jar"));

  @Test
  void theJarIsAtMost35MB() throws IOException {
    assertThat(Files.size(JAR)).as("bytes in %s", JAR).isLessThanOrEqualTo(MAX_BYTES);
  }

  @Test
  void theJarHoldsNoServerNoTestCodeAndNoFlaggedLibrary() throws IOException {
    List<String> entries = entries();
    assertThat(entries).as("the jar was read").contains("dev/shardline/cli/Main.class");

    assertThat(entries)
        .as("no Kafka broker, Scala, log4j-core, JUnit, commons-collections 3, testkit or demo")
        .noneMatch(
            name ->
                // the broker (kafka_2.13) is package kafka; kafka-clients has only a properties
                // file
                (name.startsWith("kafka/") && name.endsWith(".class"))
                    || name.startsWith("scala/")
                    || name.startsWith("org/apache/logging/log4j/core/")
                    || name.startsWith("org/junit/")
                    || name.startsWith("org/opentest4j/")
                    || name.startsWith("org/apache/commons/collections/")
                    || name.startsWith("dev/shardline/testkit/")
                    || name.startsWith("dev/shardline/dev/"));
  }

  private static List<String> entries() throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      Enumeration<? extends ZipEntry> all = zip.entries();
      while (all.hasMoreElements()) {
        names.add(all.nextElement().getName());
      }
    }
    return names;
  }
}
