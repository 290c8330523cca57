package dev.shardline.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import dev.shardline.testkit.proxy.Operation;
import dev.shardline.testkit.proxy.ShardQuotas;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** Tests of one class share the proxy, not what an earlier test did to it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KinesisQuotaProxyExtensionIT {

  /** One record per second per shard, on a clock that never moves: only a reset frees quota. */
  @RegisterExtension
  static final KinesisQuotaProxyExtension PROXY =
      new KinesisQuotaProxyExtension(
          kinesis -> kinesis.initialStream("shared", 1),
          proxy ->
              proxy.quotas(ShardQuotas.aws().withWriteRecordsPerSecond(1)).nanoClock(() -> 0L));

  @Test
  @Order(1)
  void anEarlierTestUsesUpTheQuotaArmsFaultsAndCounts(KinesisQuotaProxy proxy) {
    assertThat(putTwo(proxy).failedRecordCount()).isEqualTo(1);
    proxy.faults().failNext(Operation.LIST_STREAMS, 5, Fault.INTERNAL_ERROR);

    assertThat(proxy.counters().acceptedRecords()).isEqualTo(1);
    assertThat(proxy.counters().throttledRecords()).isEqualTo(1);
    assertThat(proxy.faults().pending()).isEqualTo(5);
  }

  @Test
  @Order(2)
  void aLaterTestStartsWithItsFullQuotaNoFaultsAndZeroCounters(KinesisQuotaProxy proxy) {
    // Then the faults armed before are gone
    assertThat(proxy.faults().pending()).isZero();
    assertThat(proxy.client().listStreams().streamNames()).contains("shared");
    // And the counters start at zero
    assertThat(proxy.counters().acceptedRecords()).isZero();
    assertThat(proxy.counters().throttledRecords()).isZero();
    // And the shard has its quota back (the clock did not move: only the reset can have freed it)
    assertThat(putTwo(proxy).failedRecordCount()).isEqualTo(1);
    assertThat(proxy.counters().acceptedRecords()).isEqualTo(1);
  }

  private static PutRecordsResponse putTwo(KinesisQuotaProxy proxy) {
    return proxy
        .client()
        .putRecords(
            b ->
                b.streamName("shared")
                    .records(
                        PutRecordsRequestEntry.builder()
                            .partitionKey("a")
                            .data(SdkBytes.fromUtf8String("one"))
                            .build(),
                        PutRecordsRequestEntry.builder()
                            .partitionKey("b")
                            .data(SdkBytes.fromUtf8String("two"))
                            .build()));
  }
}
