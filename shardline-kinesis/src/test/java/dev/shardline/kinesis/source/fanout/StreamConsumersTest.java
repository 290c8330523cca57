package dev.shardline.kinesis.source.fanout;

import static dev.shardline.kinesis.source.fanout.FakeConsumerKinesis.limitExceeded;
import static dev.shardline.kinesis.source.fanout.FakeConsumerKinesis.resourceInUse;
import static dev.shardline.kinesis.source.fanout.FakeConsumerKinesis.unknownOperation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.KinesisAccessDeniedException;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.fanout.FakeConsumerKinesis.Op;
import dev.shardline.kinesis.source.fanout.StreamConsumers.Role;
import dev.shardline.kinesis.testing.FakeKinesis;
import dev.shardline.time.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

/**
 * Registration, waiting and deregistration of fan-out stream consumers against a fake: the paths a
 * real server does not take on demand (throttling, a consumer still DELETING, timeouts). Waits move
 * a manual clock instead of sleeping.
 */
class StreamConsumersTest {
  private static final Duration INITIAL = Duration.ofMillis(200);
  private static final Duration MAX = Duration.ofSeconds(2);

  private final ManualTime time = new ManualTime();
  private final List<Duration> waits = new ArrayList<>();
  private FakeConsumerKinesis kinesis;
  // when set, waits end only when the test completes them
  private boolean holdWaits;
  private final java.util.Deque<CompletableFuture<Void>> heldWaits = new java.util.ArrayDeque<>();

  @BeforeEach
  void streams() {
    FakeKinesis streams = new FakeKinesis(time);
    streams.createStream("orders", 1);
    streams.createStream("audit", 1);
    kinesis = new FakeConsumerKinesis(streams);
  }

  private StreamConsumers consumers(Role role, Map<String, Object> options) {
    Map<String, Object> all = new java.util.HashMap<>(options);
    all.putIfAbsent("streams", List.of("orders"));
    all.put("reader.type", "fan-out");
    all.put("retry.backoff.initial", INITIAL.toMillis() + "ms");
    all.put("retry.backoff.max", MAX.toMillis() + "ms");
    Configuration config = KinesisSourceOptions.ALL.validate(Configuration.fromMap(all));
    return new StreamConsumers(
        kinesis,
        config,
        role,
        time,
        wait -> {
          waits.add(wait);
          time.advance(wait);
          if (holdWaits) {
            CompletableFuture<Void> held = new CompletableFuture<>();
            heldWaits.add(held);
            return held;
          }
          return CompletableFuture.completedFuture(null);
        });
  }

  private static Throwable failureOf(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    return future.handle((ok, e) -> e instanceof CompletionException ? e.getCause() : e).join();
  }

  @Test
  void aMissingManagedConsumerIsRegisteredAndWaitedForUntilActive() {
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));

    String arn = consumers.activeConsumerArn("orders").join();

    assertThat(arn).startsWith(FakeConsumerKinesis.streamArn("orders") + "/consumer/app:");
    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.ACTIVE);
    assertThat(kinesis.calls())
        .containsExactly(
            "DESCRIBE_STREAM_SUMMARY orders",
            "DESCRIBE orders/app",
            "REGISTER orders/app",
            "DESCRIBE orders/app",
            "DESCRIBE orders/app",
            "DESCRIBE orders/app");
    // backoff between the describes while CREATING, from retry.backoff.initial, with ±50% jitter
    assertThat(waits)
        .hasSize(3)
        .allSatisfy(w -> assertThat(w).isBetween(INITIAL.dividedBy(2), MAX));
  }

  @Test
  void limitExceededAndResourceInUseAreBackedOffNeverFatal() {
    kinesis.addConsumer("orders", "app", ConsumerStatus.ACTIVE);
    kinesis.failNext(
        Op.DESCRIBE,
        limitExceeded(),
        resourceInUse(),
        limitExceeded(),
        limitExceeded(),
        resourceInUse());
    StreamConsumers consumers = consumers(Role.READER, Map.of("reader.fanOut.consumerName", "app"));

    assertThat(consumers.activeConsumerArn("orders").join()).contains("/consumer/app:");
    assertThat(waits).hasSize(5);
    // exponential up to retry.backoff.max: the fifth is 16 x 200 ms capped at 2 s, then spread by
    // ±50% and capped again, so from 1 s to 2 s (the first is at most 300 ms)
    assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(MAX));
    assertThat(waits.get(4)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void credentialsNotAllowedToRegisterEndTheRunAtOnceNamingTheCallAndTheConsumer() {
    // a refused call was a plain failure: the runner restarted the pipeline again and again
    kinesis.failNext(
        Op.DESCRIBE,
        AccessDeniedException.builder()
            .message("not authorized to perform: kinesis:DescribeStreamConsumer")
            .build());
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));

    Throwable failure = failureOf(consumers.activeConsumerArn("orders"));

    assertThat(failure)
        .isInstanceOf(KinesisAccessDeniedException.class)
        .hasMessageStartingWith(
            "DescribeStreamConsumer for the stream consumer app of stream orders")
        .hasMessageContaining("not authorized to perform: kinesis:DescribeStreamConsumer")
        .hasCauseInstanceOf(AccessDeniedException.class);
  }

  @Test
  void missingCredentialsEndTheRunAtOnceInsteadOfWaitingOutTheRegistrationTimeout() {
    // the source's old classifier called a client error transient: backed off for 2 minutes
    kinesis.failNext(
        Op.DESCRIBE,
        SdkClientException.create(
            "Unable to load credentials from any of the providers in the chain"));
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));

    Throwable failure = failureOf(consumers.activeConsumerArn("orders"));

    assertThat(failure)
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("Unable to load credentials");
    assertThat(waits).isEmpty();
  }

  @Test
  void aConsumerStillDeletingIsWaitedOutThenRegisteredAgain() {
    kinesis.describesWhileDeleting(2);
    String old = kinesis.addConsumer("orders", "app", ConsumerStatus.DELETING);
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));

    String arn = consumers.activeConsumerArn("orders").join();

    assertThat(arn).isNotEqualTo(old);
    assertThat(kinesis.calls())
        .containsSubsequence(
            "DESCRIBE orders/app", // DELETING
            "DESCRIBE orders/app", // DELETING, then gone
            "DESCRIBE orders/app", // not found
            "REGISTER orders/app");
  }

  @Test
  void registerAnsweringResourceInUseDescribesTheConsumerInstead() {
    // another pipeline registered the same name between our describe and our register
    kinesis.describesWhileCreating(1);
    kinesis.failNext(
        Op.DESCRIBE,
        software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.builder()
            .message("not found")
            .build());
    kinesis.addConsumer("orders", "app", ConsumerStatus.CREATING);
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));

    assertThat(consumers.activeConsumerArn("orders").join()).contains("/consumer/app:");
    assertThat(kinesis.calls())
        .containsExactly(
            "DESCRIBE_STREAM_SUMMARY orders",
            "DESCRIBE orders/app",
            "REGISTER orders/app",
            "DESCRIBE orders/app",
            "DESCRIBE orders/app");
  }

  @Test
  void aConsumerThatNeverBecomesActiveFailsAfterTheRegistrationTimeoutNamingItAndTheOption() {
    kinesis.describesWhileCreating(Integer.MAX_VALUE);
    StreamConsumers consumers =
        consumers(
            Role.ENUMERATOR,
            Map.of(
                "reader.fanOut.consumerName", "app", "reader.fanOut.registrationTimeout", "10s"));

    Throwable error = failureOf(consumers.activeConsumerArn("orders"));

    assertThat(error)
        .isInstanceOf(ShardlineException.class)
        .isNotInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("The stream consumer app of stream orders is not ACTIVE after 10s")
        .hasMessageContaining("status CREATING")
        .hasMessageContaining("Raise reader.fanOut.registrationTimeout");
    Duration waited = waits.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(waited)
        .isLessThanOrEqualTo(Duration.ofSeconds(10))
        .isGreaterThan(Duration.ofSeconds(7));
  }

  @Test
  void aReaderNeverRegistersAndWaitsForTheEnumeratorToDoIt() {
    StreamConsumers reader = consumers(Role.READER, Map.of("reader.fanOut.consumerName", "app"));
    kinesis.failNext(
        Op.DESCRIBE,
        software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.builder().build(),
        software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.builder().build());
    kinesis.addConsumer("orders", "app", ConsumerStatus.ACTIVE); // as the enumerator would

    assertThat(reader.activeConsumerArn("orders").join()).contains("/consumer/app:");
    assertThat(kinesis.calls()).noneMatch(c -> c.startsWith("REGISTER"));
    assertThat(waits).hasSize(2);
  }

  @Test
  void aMissingUserConsumerFailsAtOnceSayingHowToFixIt() {
    StreamConsumers consumers =
        consumers(
            Role.ENUMERATOR,
            Map.of("reader.fanOut.consumerName", "app", "reader.fanOut.consumerLifecycle", "user"));

    Throwable error = failureOf(consumers.activeConsumerArn("orders"));

    assertThat(error)
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("The stream consumer app of stream orders does not exist")
        .hasMessageContaining("Register it, or set reader.fanOut.consumerLifecycle managed");
    assertThat(kinesis.calls()).noneMatch(c -> c.startsWith("REGISTER"));
  }

  @Test
  void aConsumerGivenByArnIsDescribedByArnAndNeverRegisteredOrDeregistered() {
    String arn = kinesis.addConsumer("orders", "theirs", ConsumerStatus.ACTIVE);
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerArn", arn));

    assertThat(consumers.activeConsumerArn("orders").join()).isEqualTo(arn);
    assertThat(consumers.managed()).isFalse();
    consumers.deregister("orders").join();

    assertThat(kinesis.calls()).containsExactly("DESCRIBE orders/theirs");
    assertThat(kinesis.status("orders", "theirs")).isEqualTo(ConsumerStatus.ACTIVE);
  }

  @Test
  void aConsumerArnThatDoesNotExistFailsNamingTheOption() {
    StreamConsumers consumers =
        consumers(
            Role.READER,
            Map.of(
                "reader.fanOut.consumerArn",
                FakeConsumerKinesis.streamArn("orders") + "/consumer/gone:1767225600"));

    assertThat(failureOf(consumers.activeConsumerArn("orders")))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("given by reader.fanOut.consumerArn does not exist");
  }

  @Test
  void aManagedConsumerIsDeregisteredAndAMissingOneIsNothingToDo() {
    kinesis.addConsumer("orders", "app", ConsumerStatus.ACTIVE);
    StreamConsumers consumers =
        consumers(
            Role.ENUMERATOR,
            Map.of("streams", List.of("orders", "audit"), "reader.fanOut.consumerName", "app"));
    // busy once: backed off, then deregistered
    kinesis.failNext(Op.DEREGISTER, limitExceeded());

    consumers.deregister("orders").join();
    consumers.deregister("audit").join();

    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.DELETING);
    assertThat(kinesis.calls())
        .containsExactly(
            "DESCRIBE_STREAM_SUMMARY orders",
            "DESCRIBE orders/app",
            "DEREGISTER orders/app",
            "DEREGISTER orders/app",
            "DESCRIBE_STREAM_SUMMARY audit",
            "DESCRIBE audit/app");
  }

  @Test
  void aServerWithoutFanOutIsUnrecoverableNamingReaderType() {
    kinesis.failNext(Op.DESCRIBE, unknownOperation());
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));

    assertThat(failureOf(consumers.activeConsumerArn("orders")))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("does not support enhanced fan-out")
        .hasMessageContaining("Set reader.type polling");
  }

  @Test
  void aFailedWaitIsNotCachedSoTheNextCallTriesAgain() {
    kinesis.failNext(Op.DESCRIBE, unknownOperation());
    StreamConsumers consumers = consumers(Role.READER, Map.of("reader.fanOut.consumerName", "app"));
    assertThat(consumers.activeConsumerArn("orders")).isCompletedExceptionally();
    kinesis.addConsumer("orders", "app", ConsumerStatus.ACTIVE);

    assertThat(consumers.activeConsumerArn("orders").join()).contains("/consumer/app:");
    // and a success is cached
    consumers.activeConsumerArn("orders").join();
    assertThat(kinesis.calls()).filteredOn(c -> c.startsWith("DESCRIBE orders")).hasSize(2);
  }

  @Test
  void aDeregistrationDuringTheWaitForActiveIsNotUndoneByThatWait() {
    // Regression: the enumerator's wait for ACTIVE went on after the pipeline ended, saw the
    // consumer DELETING, then gone, and registered it again: a managed consumer outlived its
    // pipeline.
    holdWaits = true;
    StreamConsumers consumers =
        consumers(Role.ENUMERATOR, Map.of("reader.fanOut.consumerName", "app"));
    CompletableFuture<String> active = consumers.activeConsumerArn("orders");
    assertThat(kinesis.calls()).last().isEqualTo("REGISTER orders/app"); // then waits, CREATING

    CompletableFuture<Void> deregistered = consumers.deregister("orders");
    while (!heldWaits.isEmpty()) {
      heldWaits.poll().complete(null);
    }

    deregistered.join();
    assertThat(active).isCompletedExceptionally();
    assertThat(kinesis.calls()).filteredOn(c -> c.startsWith("REGISTER")).hasSize(1);
    assertThat(kinesis.calls()).last().isEqualTo("DEREGISTER orders/app");
    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.DELETING);
  }

  @Test
  void closeEndsAPendingWaitAtOnce() {
    holdWaits = true;
    kinesis.addConsumer("orders", "app", ConsumerStatus.CREATING);
    StreamConsumers consumers = consumers(Role.READER, Map.of("reader.fanOut.consumerName", "app"));
    CompletableFuture<String> active = consumers.activeConsumerArn("orders");
    assertThat(active).isNotDone(); // backing off while CREATING

    consumers.close();

    assertThat(failureOf(active)).isInstanceOf(java.util.concurrent.CancellationException.class);
  }

  @Test
  void aForgottenArnIsLookedUpAgain() {
    String first = kinesis.addConsumer("orders", "app", ConsumerStatus.ACTIVE);
    StreamConsumers consumers = consumers(Role.READER, Map.of("reader.fanOut.consumerName", "app"));
    assertThat(consumers.activeConsumerArn("orders").join()).isEqualTo(first);
    // deleted and registered again behind the source's back
    String second = kinesis.addConsumer("orders", "app", ConsumerStatus.ACTIVE);

    consumers.forget("orders");

    assertThat(consumers.activeConsumerArn("orders").join()).isEqualTo(second);
  }
}
