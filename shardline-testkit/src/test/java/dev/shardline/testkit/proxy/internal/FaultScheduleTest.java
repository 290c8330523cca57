package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.proxy.Fault;
import dev.shardline.testkit.proxy.Operation;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

  @Test
  void theNextNCallsOfTheOperationGetTheFaultAndOthersPassBy() {
    FaultSchedule schedule = new FaultSchedule();
    schedule.arm(Operation.GET_RECORDS, 2, Fault.INTERNAL_ERROR);

    assertThat(schedule.take(Operation.PUT_RECORDS)).isEmpty();
    assertThat(schedule.take(Operation.GET_RECORDS)).contains(Fault.INTERNAL_ERROR);
    assertThat(schedule.pending()).isEqualTo(1);
    assertThat(schedule.take(Operation.GET_RECORDS)).contains(Fault.INTERNAL_ERROR);
    assertThat(schedule.take(Operation.GET_RECORDS)).isEmpty();
    assertThat(schedule.pending()).isZero();
  }

  @Test
  void rulesAreUsedInTheOrderTheyWereArmed() {
    FaultSchedule schedule = new FaultSchedule();
    schedule.arm(null, 1, Fault.DROP_CONNECTION);
    schedule.arm(Operation.PUT_RECORDS, 1, Fault.TIMEOUT);

    assertThat(schedule.take(Operation.PUT_RECORDS)).contains(Fault.DROP_CONNECTION);
    assertThat(schedule.take(Operation.PUT_RECORDS)).contains(Fault.TIMEOUT);
  }

  @Test
  void anExpiredIteratorArmedForAnyOperationWaitsForAGetRecords() {
    FaultSchedule schedule = new FaultSchedule();
    schedule.arm(null, 1, Fault.EXPIRED_ITERATOR);

    assertThat(schedule.take(Operation.PUT_RECORDS)).isEmpty();
    assertThat(schedule.take(Operation.GET_SHARD_ITERATOR)).isEmpty();
    assertThat(schedule.take(Operation.GET_RECORDS)).contains(Fault.EXPIRED_ITERATOR);
  }

  @Test
  void clearDisarmsEverything() {
    FaultSchedule schedule = new FaultSchedule();
    schedule.arm(null, 5, Fault.INTERNAL_ERROR);

    schedule.clear();

    assertThat(schedule.take(Operation.LIST_SHARDS)).isEmpty();
  }
}
