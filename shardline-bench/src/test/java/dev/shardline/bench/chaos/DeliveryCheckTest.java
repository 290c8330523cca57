package dev.shardline.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryCheckTest {
  /** key-a:0..2 and key-b:0..1 in the stream once each, all acknowledged. */
  private static DeliveryCheck.Expected fiveRecords() {
    Map<String, Map<Long, Integer>> stream = new HashMap<>();
    stream.put("key-a", new HashMap<>(Map.of(0L, 1, 1L, 1, 2L, 1)));
    stream.put("key-b", new HashMap<>(Map.of(0L, 1, 1L, 1)));
    return new DeliveryCheck.Expected(stream, Map.of("key-a", 3L, "key-b", 2L));
  }

  @Test
  void everyRecordOnceInOrderIsClean() {
    DeliveryCheck check = new DeliveryCheck();
    for (String value :
        new String[] {"key-a:0:x", "key-b:0:x", "key-a:1:x", "key-a:2:x", "key-b:1:x"}) {
      check.deliver(value, "here");
    }

    DeliveryCheck.Counts counts = check.against(fiveRecords());

    assertThat(counts.clean()).isTrue();
    assertThat(counts.written()).isEqualTo(5);
    assertThat(counts.inStream()).isEqualTo(5);
    assertThat(counts.records()).isEqualTo(5);
    assertThat(counts.distinct()).isEqualTo(5);
  }

  @Test
  void countsLostDuplicatedAndOutOfOrderRecords() {
    DeliveryCheck check = new DeliveryCheck();
    check.deliver("key-a:0:x", "p0");
    check.deliver("key-a:2:x", "p0");
    check.deliver("key-a:1:x", "p0"); // after 2: out of order
    check.deliver("key-a:2:x", "p0"); // a second copy: duplicated, not also out of order
    check.deliver("key-b:0:x", "p1"); // key-b:1 lost

    DeliveryCheck.Counts counts = check.against(fiveRecords());

    assertThat(counts.lost()).isEqualTo(1);
    assertThat(counts.duplicated()).isEqualTo(1);
    assertThat(counts.orderViolations()).isEqualTo(1);
    assertThat(counts.foreign()).isZero();
    assertThat(counts.clean()).isFalse();
    assertThat(counts.examples())
        .contains(
            "lost key-b:1", "duplicated key-a:2 2 times", "order key-a:1 at p0 came after key-a:2");
  }

  @Test
  void aRecordTwiceInTheStreamMayBeDeliveredTwice() {
    Map<String, Map<Long, Integer>> stream = Map.of("key-a", Map.of(0L, 2));
    DeliveryCheck check = new DeliveryCheck();
    check.deliver("key-a:0:x", "p0");
    check.deliver("key-a:0:x", "p0");

    DeliveryCheck.Counts counts =
        check.against(new DeliveryCheck.Expected(stream, Map.of("key-a", 1L)));

    assertThat(counts.duplicated()).isZero();
    assertThat(counts.clean()).isTrue();
  }

  @Test
  void anAcknowledgedRecordMissingFromTheStreamIsStillOwed() {
    DeliveryCheck check = new DeliveryCheck();

    DeliveryCheck.Counts counts =
        check.against(new DeliveryCheck.Expected(Map.of(), Map.of("key-a", 2L)));

    assertThat(counts.lost()).isEqualTo(2);
    assertThat(counts.inStream()).isZero();
  }

  @Test
  void recordsThatAreNotTheWritersAreForeign() {
    DeliveryCheck check = new DeliveryCheck();
    check.deliver("garbage", "p0");
    check.deliver("key-z:7:x", "p0"); // a key and counter the writer never wrote

    DeliveryCheck.Counts counts = check.against(fiveRecords());

    assertThat(counts.foreign()).isEqualTo(2);
    assertThat(counts.lost()).isEqualTo(5);
  }
}
