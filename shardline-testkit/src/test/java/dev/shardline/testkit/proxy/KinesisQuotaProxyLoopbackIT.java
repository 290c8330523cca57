package dev.shardline.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.internal.CommandLine;
import dev.shardline.testkit.internal.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KinesisQuotaProxyLoopbackIT {

  @Test
  void theProxyAnswersOnItsAdvertisedEndpointInAJvmThatPrefersIpv6() {
    // Given a JVM in which InetAddress.getLoopbackAddress() is ::1
    List<String> command =
        JavaCommand.of(PreferIpv6Probe.class, List.of("-Djava.net.preferIPv6Addresses=true"));

    // When it starts a proxy and connects to the endpoint the proxy advertises
    CommandLine.Result result =
        CommandLine.run(command, Path.of("."), Map.of(), Duration.ofSeconds(60));

    // Then the proxy answers on http://127.0.0.1:<port>, where it said it would
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("connected to http://127.0.0.1:");
  }
}
