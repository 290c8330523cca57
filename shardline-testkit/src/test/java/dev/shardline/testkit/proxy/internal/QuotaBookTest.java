package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.testkit.proxy.ShardQuotas;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaBookTest {
  private static final ShardRef SHARD_0 = new ShardRef("orders", "shardId-000000000000");
  private static final ShardRef SHARD_1 = new ShardRef("orders", "shardId-000000000001");

  private final ManualClock clock = new ManualClock();

  @Test
  void acceptsExactlyTheRecordQuotaWithinOneWindowWhateverTheBurstTiming() {
    // Given AWS's quotas
    QuotaBook book = new QuotaBook(ShardQuotas.aws(), clock);

    // When 3,000 records of 100 bytes arrive in 6 batches spread over 900 ms
    int accepted = 0;
    for (int batch = 0; batch < 6; batch++) {
      accepted += count(book.admitWrites(shards(SHARD_0, 500), sizes(500, 100)));
      clock.advanceMillis(180);
    }

    // Then exactly 1,000 are accepted
    assertThat(accepted).isEqualTo(1_000);
  }

  @Test
  void aRefundGivesBackExactlyWhatTheAdmissionTookAndOnlyOnce() {
    // Given 3 records/s, two admitted (the third of the request did not fit the bytes)
    QuotaBook book =
        new QuotaBook(
            ShardQuotas.aws().withWriteRecordsPerSecond(3).withWriteBytesPerSecond(20), clock);
    QuotaBook.WriteAdmission admission = book.admit(shards(SHARD_0, 3), new long[] {5, 5, 15});
    assertThat(admission.accepted()).containsExactly(true, true, false);

    // When it is refunded (twice)
    admission.refund();
    admission.refund();

    // Then the full quota is there again, and no more
    assertThat(count(book.admitWrites(shards(SHARD_0, 4), sizes(4, 5)))).isEqualTo(3);
  }

  @Test
  void aRefundAfterTheWindowMovedOnOrAResetChangesNothing() {
    QuotaBook book = new QuotaBook(ShardQuotas.aws().withWriteRecordsPerSecond(2), clock);
    QuotaBook.WriteAdmission old = book.admit(shards(SHARD_0, 2), sizes(2, 1));
    clock.advanceMillis(1_000);
    assertThat(count(book.admitWrites(shards(SHARD_0, 2), sizes(2, 1)))).isEqualTo(2);

    old.refund();

    assertThat(count(book.admitWrites(shards(SHARD_0, 1), sizes(1, 1)))).isZero();
    QuotaBook.WriteAdmission beforeReset = book.admit(shards(SHARD_1, 2), sizes(2, 1));
    book.reset();
    assertThat(count(book.admitWrites(shards(SHARD_1, 2), sizes(2, 1)))).isEqualTo(2);
    beforeReset.refund();
    assertThat(count(book.admitWrites(shards(SHARD_1, 1), sizes(1, 1)))).isZero();
  }

  @Test
  void windowSlidesRecordByRecordRatherThanResettingEverySecond() {
    // Given 10 records/s, 5 accepted at t=0 and 5 at t=0.5s
    QuotaBook book = new QuotaBook(ShardQuotas.aws().withWriteRecordsPerSecond(10), clock);
    assertThat(count(book.admitWrites(shards(SHARD_0, 5), sizes(5, 1)))).isEqualTo(5);
    clock.advanceMillis(500);
    assertThat(count(book.admitWrites(shards(SHARD_0, 5), sizes(5, 1)))).isEqualTo(5);

    // When time reaches t=0.999s, nothing is free; at t=1s the first five have left the window
    clock.advanceMillis(499);
    assertThat(count(book.admitWrites(shards(SHARD_0, 1), sizes(1, 1)))).isZero();
    clock.advanceMillis(1);

    // Then exactly five more fit
    assertThat(count(book.admitWrites(shards(SHARD_0, 10), sizes(10, 1)))).isEqualTo(5);
  }

  @Test
  void byteQuotaCountsDataAndPartitionKeyAndASmallerRecordStillFitsAfterALargeOneIsRejected() {
    // Given 1 MiB/s and 900 KiB already accepted
    QuotaBook book = new QuotaBook(ShardQuotas.aws(), clock);
    assertThat(book.admitWrites(List.of(SHARD_0), new long[] {900 * 1024})).containsExactly(true);

    // When a 200 KiB record and then a 100 KiB one arrive in one request
    boolean[] accepted =
        book.admitWrites(List.of(SHARD_0, SHARD_0), new long[] {200 * 1024, 100 * 1024});

    // Then the large one is rejected and the small one still fits (124 KiB were left)
    assertThat(accepted).containsExactly(false, true);
    assertThat(book.admitWrites(List.of(SHARD_0), new long[] {24 * 1024 + 1}))
        .containsExactly(false);
    assertThat(book.admitWrites(List.of(SHARD_0), new long[] {24 * 1024})).containsExactly(true);
  }

  @Test
  void shardsHaveSeparateQuotas() {
    QuotaBook book = new QuotaBook(ShardQuotas.aws().withWriteRecordsPerSecond(2), clock);

    boolean[] accepted =
        book.admitWrites(
            List.of(SHARD_0, SHARD_1, SHARD_0, SHARD_1, SHARD_0), new long[] {1, 1, 1, 1, 1});

    assertThat(accepted).containsExactly(true, true, true, true, false);
  }

  @Test
  void readCallsAreThrottledAfterTheFifthInAWindowAndThrottledCallsDoNotCount() {
    // Given AWS's 5 calls/s
    QuotaBook book = new QuotaBook(ShardQuotas.aws(), clock);

    // When 20 calls come 10 ms apart
    boolean[] admitted = new boolean[20];
    for (int i = 0; i < 20; i++) {
      admitted[i] = book.admitRead(SHARD_0);
      clock.advanceMillis(10);
    }

    // Then the first 5 are served and the other 15 throttled
    assertThat(count(Arrays.copyOfRange(admitted, 0, 5))).isEqualTo(5);
    assertThat(count(Arrays.copyOfRange(admitted, 5, 20))).isZero();

    // And one second after the first call (not after the last throttled one) calls are served
    clock.advanceMillis(1_000 - 200);
    assertThat(book.admitRead(SHARD_0)).isTrue();
  }

  @Test
  void aReadOverTheByteBudgetReturnsItsDataAndThrottlesUntilTheBudgetRecovers() {
    // Given 2 MiB/s, and a call that returned 10 MiB
    QuotaBook book = new QuotaBook(ShardQuotas.aws(), clock);
    assertThat(book.admitRead(SHARD_0)).isTrue();
    book.chargeRead(SHARD_0, 10 * ShardQuotas.MIB);

    // When later calls come: the budget is at -8 MiB and refills at 2 MiB/s
    clock.advanceMillis(3_999);
    boolean justBefore = book.admitRead(SHARD_0);
    clock.advanceMillis(2);
    boolean justAfter = book.admitRead(SHARD_0);

    // Then calls are throttled for 4 s, and served after
    assertThat(justBefore).isFalse();
    assertThat(justAfter).isTrue();
  }

  @Test
  void readAndWriteQuotasAreIndependentAndResetGivesEverythingBack() {
    QuotaBook book = new QuotaBook(ShardQuotas.aws().withReadCallsPerSecond(1), clock);
    assertThat(book.admitRead(SHARD_0)).isTrue();
    assertThat(book.admitRead(SHARD_0)).isFalse();
    assertThat(count(book.admitWrites(shards(SHARD_0, 1_001), sizes(1_001, 1)))).isEqualTo(1_000);

    book.reset();

    assertThat(book.admitRead(SHARD_0)).isTrue();
    assertThat(count(book.admitWrites(shards(SHARD_0, 1_000), sizes(1_000, 1)))).isEqualTo(1_000);
  }

  @Test
  void forgettingAStreamFreesItsShards() {
    QuotaBook book = new QuotaBook(ShardQuotas.aws().withWriteRecordsPerSecond(1), clock);
    ShardRef other = new ShardRef("payments", SHARD_0.shardId());
    assertThat(book.admitWrites(List.of(SHARD_0, other), new long[] {1, 1}))
        .containsExactly(true, true);

    book.forget("orders");

    assertThat(book.admitWrites(List.of(SHARD_0, other), new long[] {1, 1}))
        .containsExactly(true, false);
  }

  private static List<ShardRef> shards(ShardRef shard, int n) {
    return Collections.nCopies(n, shard);
  }

  private static long[] sizes(int n, long size) {
    long[] sizes = new long[n];
    Arrays.fill(sizes, size);
    return sizes;
  }

  private static int count(boolean[] accepted) {
    int n = 0;
    for (boolean a : accepted) {
      n += a ? 1 : 0;
    }
    return n;
  }
}
