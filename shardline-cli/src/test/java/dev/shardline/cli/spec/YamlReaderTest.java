package dev.shardline.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlReaderTest {
  private static final Map<String, String> ENV = Map.of("HOST", "broker-1", "PORT", "9092");

  private static YamlReader reader() {
    return new YamlReader(Path.of("p.yaml"), ENV::get);
  }

  @Test
  void keysRememberTheirLineAndColumn() {
    YamlNode.MapNode root =
        (YamlNode.MapNode) reader().read(new StringReader("a: 1\nb:\n  c: x\n  d: [1, 2]\n"));

    assertThat(root.entries().get("a").keyLocation()).isEqualTo(new Location(1, 1));
    YamlNode.MapNode b = (YamlNode.MapNode) root.get("b");
    assertThat(b.entries().get("c").keyLocation()).isEqualTo(new Location(3, 3));
    assertThat(b.entries().get("d").value()).isInstanceOf(YamlNode.ListNode.class);
    assertThat(root.toPlain()).isEqualTo(Map.of("a", 1, "b", Map.of("c", "x", "d", List.of(1, 2))));
  }

  @Test
  void variablesAreReplacedWithDefaultsAndEscapes() {
    YamlReader reader = reader();
    YamlNode.MapNode root =
        (YamlNode.MapNode)
            reader.read(
                new StringReader(
                    "servers: ${HOST}:${PORT}\n"
                        + "group: ${GROUP:-orders}\n"
                        + "price: $$5\n"
                        + "plain: text\n"));

    assertThat(reader.problems()).isEmpty();
    assertThat(root.toPlain())
        .isEqualTo(
            Map.of("servers", "broker-1:9092", "group", "orders", "price", "$5", "plain", "text"));
    assertThat(((YamlNode.ScalarNode) root.get("servers")).fromEnvironment()).isTrue();
    assertThat(((YamlNode.ScalarNode) root.get("plain")).fromEnvironment()).isFalse();
  }

  @Test
  void aMissingVariableIsAProblemNamingItAndTheLine() {
    YamlReader reader = reader();
    reader.read(new StringReader("a: 1\nsource:\n  key: ${SECRET_KEY}\n"));

    assertThat(reader.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.location().line()).isEqualTo(3);
              assertThat(p.key()).isEqualTo("source.key");
              assertThat(p.message()).contains("SECRET_KEY is not set");
            });
  }

  @Test
  void aMalformedReferenceIsAProblem() {
    YamlReader reader = reader();
    reader.read(new StringReader("a: ${not closed\n"));

    assertThat(reader.problems())
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .contains("Malformed environment variable reference");
  }

  @Test
  void aKeyGivenTwiceIsAProblemNamingBothLines() {
    YamlReader reader = reader();
    reader.read(new StringReader("name: a\nparallelism: 2\nname: b\n"));

    assertThat(reader.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.location().line()).isEqualTo(3);
              assertThat(p.message()).contains("first on line 1");
            });
  }

  @Test
  void scalarTypesAreKept() {
    YamlNode.MapNode root =
        (YamlNode.MapNode)
            reader().read(new StringReader("i: 10\nd: 0.5\nb: true\ns: '10'\nn: null\nt: 10s\n"));

    Map<String, Object> plain = root.toPlain();
    assertThat(plain.get("i")).isEqualTo(10);
    assertThat(plain.get("d")).isEqualTo(0.5);
    assertThat(plain.get("b")).isEqualTo(true);
    assertThat(plain.get("s")).isEqualTo("10");
    assertThat(plain.get("n")).isNull();
    assertThat(plain.get("t")).isEqualTo("10s");
  }
}
