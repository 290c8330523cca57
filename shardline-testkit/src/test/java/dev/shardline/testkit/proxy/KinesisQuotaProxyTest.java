package dev.shardline.testkit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.proxy.internal.CounterBook;
import dev.shardline.testkit.proxy.internal.FaultSchedule;
import dev.shardline.testkit.proxy.internal.Subscriptions;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The public API's argument checks; no servers. */
class KinesisQuotaProxyTest {

  @Test
  void anUpstreamOffThisMachineIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(
            () ->
                KinesisQuotaProxy.builder()
                    .upstream(URI.create("http://kinesis.us-east-1.amazonaws.com:80")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be http://127.x.x.x:<port>")
        .hasMessageContaining("or http://localhost:<port>");
  }

  @Test
  void aProxyNeedsAnUpstream() {
    assertThatThrownBy(() -> KinesisQuotaProxy.builder().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs an upstream");
  }

  @Test
  void quotasMustBePositive() {
    assertThatThrownBy(() -> ShardQuotas.aws().withReadCallsPerSecond(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("readCallsPerSecond must be positive, was 0");
    assertThat(ShardQuotas.aws())
        .isEqualTo(new ShardQuotas(1_000, 1024 * 1024, 5, 2 * 1024 * 1024));
  }

  @Test
  void anExpiredIteratorCanOnlyBeArmedForGetRecords() {
    Faults faults =
        new Faults(new FaultSchedule(), new Subscriptions(System::nanoTime), new CounterBook());

    assertThatThrownBy(() -> faults.failNext(Operation.PUT_RECORDS, 1, Fault.EXPIRED_ITERATOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GET_RECORDS only");
    assertThatThrownBy(() -> faults.failNext(Operation.GET_RECORDS, 0, Fault.INTERNAL_ERROR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.slowResponse(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(faults.pending()).isZero();
  }

  @Test
  void operationsAreKnownByTheirTarget() {
    assertThat(Operation.fromTarget("Kinesis_20131202.PutRecords"))
        .isEqualTo(Operation.PUT_RECORDS);
    assertThat(Operation.fromTarget("Kinesis_20131202.NoSuchThing")).isEqualTo(Operation.OTHER);
    assertThat(Operation.fromTarget("DynamoDB_20120810.PutItem")).isEqualTo(Operation.OTHER);
    assertThat(Operation.fromTarget(null)).isEqualTo(Operation.OTHER);
  }
}
