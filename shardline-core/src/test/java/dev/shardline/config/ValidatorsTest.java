package dev.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The syntax rules of server lists and URLs: what passes, and what the error says. */
class ValidatorsTest {
  private static final ConfigOption<String> SERVERS =
      ConfigOptions.key("bootstrapServers")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.hostAndPortList("127.0.0.1:9092"));

  private static final ConfigOption<String> ENDPOINT =
      ConfigOptions.key("endpoint")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.httpUrl("http://127.0.0.1:4567"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:9092",
        "localhost:1",
        "broker-1.example.com:65535",
        "a:9092, b:9093 ,c_1:9094",
        "[::1]:9092",
        "[fe80::1%eth0]:9092,127.0.0.1:9092"
      })
  void wellFormedServerListsPass(String servers) {
    assertThat(SERVERS.validate(servers)).isEqualTo(servers);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1:99999| the server has port 99999, outside 1 to 65535;",
        "127.0.0.1:0| the server has port 0, outside 1 to 65535;",
        "a:9092,b:70000| entry 2 of 2 (\"b:70000\") has port 70000, outside 1 to 65535;",
        "a:9092,,b:9092| entry 2 of 3 is empty (two commas in a row, or one at an end);",
        "a:9092,| entry 2 of 2 is empty",
        "PLAINTEXT://a:9092| the server has a scheme (PLAINTEXT://);",
        "broker| the server has no port;",
        "broker:| the server has no port after the :;",
        "broker:abc| the server has port \"abc\", not a number;",
        ":9092| the server has no host before the :;",
        "bro ker:9092| the server has an invalid host",
        "::1:9092| the server looks like an IPv6 address without brackets (write [::1]:9092);",
        "[::1:9092| the server has no closing ] after the IPv6 address;",
        "[::1]| the server has no port after the ];",
      })
  void aMalformedServerListNamesTheEntryAndShowsACorrectOne(String servers, String problem) {
    assertThatThrownBy(() -> SERVERS.validate(servers))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "Invalid value \"" + servers + "\" for option \"bootstrapServers\": " + problem)
        .hasMessageEndingWith(
            "; write host:port pairs separated by commas, such as 127.0.0.1:9092");
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", ""})
  void anEmptyServerListAsksForOne(String servers) {
    assertThatThrownBy(() -> SERVERS.validate(servers))
        .hasMessageEndingWith("must name at least one server as host:port, such as 127.0.0.1:9092");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:4567",
        "https://kinesis.eu-west-1.amazonaws.com",
        "HTTP://localhost:65535/",
        "http://[::1]:4567"
      })
  void httpUrlsWithAValidPortPass(String url) {
    assertThat(ENDPOINT.validate(url)).isEqualTo(url);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://127.0.0.1:99999| has port 99999, outside 1 to 65535",
        "http://127.0.0.1:0| has port 0, outside 1 to 65535",
        "http://127.0.0.1:12345678901| has port 12345678901, outside 1 to 65535",
        "http://127.0.0.1:x| has port \"x\", not a number",
        "ftp://127.0.0.1:21| has scheme ftp, not http or https",
        "127.0.0.1:4567| has no scheme; start it with http:// or https://",
        "kinesis.local| has no scheme; start it with http:// or https://",
        "http://| not a URL",
        "http:///path| has no host",
      })
  void aBadUrlSaysWhatIsWrongAndShowsACorrectOne(String url, String problem) {
    assertThatThrownBy(() -> ENDPOINT.validate(url))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Invalid value \"" + url + "\" for option \"endpoint\": " + problem)
        .hasMessageEndingWith("; write a URL such as http://127.0.0.1:4567");
  }

  @ParameterizedTest
  @CsvSource({"WRITES_DIRECTORY", "READS_FILE"})
  void aPathOptionSaysWhatItsComponentDoesWithThePath(PathType.Use use) {
    ConfigOption<Path> option = ConfigOptions.key("dir").pathType(use).noDefaultValue();

    assertThat(option.type()).isInstanceOf(PathType.class);
    assertThat(((PathType) option.type()).use()).isEqualTo(use);
    assertThat(option.parse("out/orders")).isEqualTo(Path.of("out/orders"));
    assertThatThrownBy(() -> option.parse(" ")).hasMessageContaining("must not be empty");
  }
}
