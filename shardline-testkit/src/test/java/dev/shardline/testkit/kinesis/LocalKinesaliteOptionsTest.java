package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalKinesaliteOptionsTest {

  @Test
  void defaultsAreKinesalitesOwn() {
    assertThat(LocalKinesalite.builder().options().arguments(4567))
        .containsExactly(
            "--port", "4567",
            "--shardLimit", "10",
            "--createStreamMs", "500",
            "--deleteStreamMs", "500",
            "--updateStreamMs", "500");
  }

  @Test
  void optionsBecomeCommandLineArguments() {
    LocalKinesalite.Options options =
        LocalKinesalite.builder()
            .shardLimit(40)
            .createStreamDuration(Duration.ZERO)
            .deleteStreamDuration(Duration.ofMillis(5))
            .updateStreamDuration(Duration.ofSeconds(1))
            .initialStream("volume", 8)
            .options();

    assertThat(options.arguments(1))
        .containsExactly(
            "--port", "1",
            "--shardLimit", "40",
            "--createStreamMs", "0",
            "--deleteStreamMs", "5",
            "--updateStreamMs", "1000");
    assertThat(options.initialStreams()).containsEntry("volume", 8);
    assertThat(options.launch(dev.shardline.testkit.internal.FreePorts::pick).cbor())
        .as("kinesalite clients speak JSON")
        .isFalse();
  }

  @Test
  void badValuesAreRefused() {
    LocalKinesalite.Builder builder = LocalKinesalite.builder();

    assertThatThrownBy(() -> builder.shardLimit(-1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> builder.initialStream("", 1)).hasMessageContaining("stream name");
    assertThatThrownBy(() -> builder.updateStreamDuration(Duration.ofMillis(-5)))
        .hasMessageContaining("negative");
  }
}
