package dev.shardline.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeJsTest {

  @Test
  void readsTheMajorVersionOfNodeVersionOutput() {
    assertThat(NodeJs.majorVersion("v20.20.2")).isEqualTo(20);
    assertThat(NodeJs.majorVersion("v18.0.0\n")).isEqualTo(18);
    assertThat(NodeJs.majorVersion("v16.14.2")).isLessThan(NodeJs.MIN_MAJOR_VERSION);
    assertThat(NodeJs.majorVersion("not a version")).isEqualTo(-1);
  }

  @Test
  void runsAScriptWithThePreloadFirst() {
    Path preload = Path.of("/cache/node/preload-abc.js");
    assertThat(NodeJs.command(preload, "cli.js", List.of("--port", "4567")))
        .containsExactly(
            NodeJs.node(), "--require", preload.toString(), "cli.js", "--port", "4567");
  }
}
