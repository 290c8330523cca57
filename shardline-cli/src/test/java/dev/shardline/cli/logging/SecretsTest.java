package dev.shardline.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.cli.spec.Location;
import dev.shardline.cli.spec.Problem;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecretsTest {

  @AfterEach
  void forget() {
    Secrets.clear();
  }

  @Test
  void registeredSecretsAreMaskedInProblemsLogLinesAndTheStatusLine() {
    Secrets.register("wJalrXUtnFEMI/K7MDENG");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Terminal terminal = new Terminal(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

    String problem =
        new Problem(Path.of("p.yaml"), new Location(3, 5), "source.x", "bad wJalrXUtnFEMI/K7MDENG")
            .toString();
    terminal.printLine("log: key wJalrXUtnFEMI/K7MDENG");
    terminal.showStatus("status wJalrXUtnFEMI/K7MDENG");

    assertThat(problem).isEqualTo("p.yaml:3:5: source.x: bad ****");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .doesNotContain("wJalrXUtnFEMI")
        .contains("log: key ****")
        .contains("status ****");
  }

  @Test
  void shortValuesAreNotMaskedSoTheyCannotHideOtherText() {
    Secrets.register("on");

    assertThat(Secrets.mask("connection")).isEqualTo("connection");
  }

  @Test
  void keysThatSoundSecretAreRecognised() {
    assertThat(Secrets.looksSecret("awsCredentials.basic.secretAccessKey")).isTrue();
    assertThat(Secrets.looksSecret("properties.sasl.jaas.config")).isTrue();
    assertThat(Secrets.looksSecret("properties.ssl.key.password")).isTrue();
    assertThat(Secrets.looksSecret("topic")).isFalse();
  }
}
