package dev.shardline.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.time.ManualTime;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerReachabilityTest {
  private final ManualTime time = new ManualTime();
  private final ServerReachability reach =
      new ServerReachability(
          "Kinesis at http://127.0.0.1:4567",
          Duration.ofSeconds(30),
          "that the server is up and that awsRegion.endpoint is right",
          "option unreachableTimeout",
          time);

  private static Exception refused() {
    return new RuntimeException(
        "Unable to execute HTTP request: Connection refused: /127.0.0.1:4567",
        new ConnectException("Connection refused: /127.0.0.1:4567"));
  }

  @Test
  void anOutageWithinTheLimitIsWaitedOutAndOneBeyondItFailsNamingTheServerAndTheOption() {
    assertThat(reach.noAnswer(refused())).isNull();
    time.advance(Duration.ofSeconds(29));
    assertThat(reach.noAnswer(refused())).isNull();
    time.advance(Duration.ofSeconds(1));

    ServerUnreachableException e = reach.noAnswer(refused());

    assertThat(e)
        .isNotNull()
        .isNotInstanceOf(UnrecoverableException.class) // a server that comes back is survived
        .hasMessageStartingWith("Cannot reach Kinesis at http://127.0.0.1:4567: no answer for 30s")
        .hasMessageContaining("connection refused")
        .hasMessageContaining("awsRegion.endpoint")
        .hasMessageContaining("option unreachableTimeout (now 30s)");
    assertThat(e.server()).isEqualTo("Kinesis at http://127.0.0.1:4567");
    assertThat(e.unreachableFor()).isEqualTo(Duration.ofSeconds(30));
    assertThat(ServerUnreachableException.findIn(new RuntimeException("wrapped", e))).isSameAs(e);
  }

  @Test
  void anAnswerEndsTheOutageSoTheNextOneHasTheWholeLimitAgain() {
    reach.noAnswer(refused());
    time.advance(Duration.ofSeconds(25));
    reach.answered();
    assertThat(reach.inOutage()).isFalse();

    reach.noAnswer(refused());
    time.advance(Duration.ofSeconds(25));

    assertThat(reach.noAnswer(refused())).isNull();
    assertThat(reach.inOutage()).isTrue();
  }

  @Test
  void afterStopCallsCutOffByTheCloseAreNoOutage() {
    reach.stop();
    reach.noAnswer(refused());
    time.advance(Duration.ofMinutes(5));

    assertThat(reach.noAnswer(refused())).isNull();
    assertThat(reach.inOutage()).isFalse();
  }

  @Test
  void theCauseIsTheWireErrorWithoutTheWrappersAndTheAdvice() {
    assertThat(ServerReachability.describe(refused())).isEqualTo("connection refused");
    assertThat(
            ServerReachability.describe(
                new RuntimeException(
                    "x",
                    new java.io.IOException(
                        "The connection was closed during the request. The request will usually"
                            + " succeed on a retry"))))
        .isEqualTo("the connection was closed during the request");
    assertThat(ServerReachability.describe(new java.util.concurrent.TimeoutException()))
        .isEqualTo("TimeoutException");
  }
}
