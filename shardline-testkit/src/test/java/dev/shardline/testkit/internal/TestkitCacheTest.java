package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestkitCacheTest {

  @Test
  void theSystemPropertyComesFirst() {
    assertThat(TestkitCache.resolve("/p/cache", "/e/cache", "/home/u"))
        .isEqualTo(Path.of("/p/cache"));
  }

  @Test
  void theEnvironmentVariableComesNext() {
    assertThat(TestkitCache.resolve(null, "/e/cache", "/home/u")).isEqualTo(Path.of("/e/cache"));
    assertThat(TestkitCache.resolve("  ", "/e/cache", "/home/u")).isEqualTo(Path.of("/e/cache"));
  }

  @Test
  void theDefaultIsUnderTheHomeFolder() {
    assertThat(TestkitCache.resolve(null, "", "/home/u"))
        .isEqualTo(Path.of("/home/u/.cache/shardline"));
  }

  @Test
  void aRelativeSettingIsMadeAbsolute() {
    assertThat(TestkitCache.resolve("rel/cache", null, "/home/u"))
        .isEqualTo(Path.of("rel/cache").toAbsolutePath());
  }

  @Test
  void noHomeAndNoSettingSaysWhatToSet() {
    assertThatThrownBy(() -> TestkitCache.resolve(null, null, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(TestkitCache.PROPERTY)
        .hasMessageContaining(TestkitCache.ENV);
  }
}
