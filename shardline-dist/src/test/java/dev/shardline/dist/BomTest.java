package dev.shardline.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code dev.shardline:shardline-bom} stays in step with the build: its version, its artifacts. */
class BomTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> LIBRARIES =
      List.of(
          "shardline-core",
          "shardline-runtime",
          "shardline-kinesis",
          "shardline-kafka",
          "shardline-flink",
          "shardline-test-support",
          "shardline-testkit");

  @Test
  void theBomHasTheBuildsVersionAndEveryLibrary() throws Exception {
    String parent = Files.readString(ROOT.resolve("pom.xml"));
    String bom = Files.readString(ROOT.resolve("shardline-bom/pom.xml"));

    assertThat(firstVersion(bom)).isEqualTo(firstVersion(parent));
    assertThat(artifactIds(bom)).containsExactlyInAnyOrderElementsOf(LIBRARIES);
    for (String library : LIBRARIES) {
      assertThat(ROOT.resolve(library).resolve("pom.xml")).as("a module of the build").exists();
    }
  }

  private static String firstVersion(String pom) {
    Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
    assertThat(version.find()).isTrue();
    return version.group(1);
  }

  private static List<String> artifactIds(String bom) {
    String managed =
        bom.substring(
            bom.indexOf("<dependencyManagement>"), bom.indexOf("</dependencyManagement>"));
    Matcher id = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(managed);
    List<String> ids = new ArrayList<>();
    while (id.find()) {
      ids.add(id.group(1));
    }
    return ids;
  }
}
