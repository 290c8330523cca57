package dev.shardline.kinesis.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.UnrecoverableException;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.kinesis.source.fanout.FakeConsumerKinesis;
import dev.shardline.kinesis.testing.FakeKinesis;
import dev.shardline.kinesis.testing.TestEnumeratorContext;
import dev.shardline.time.ManualTime;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;

/** The enumerator's part in fan-out: the stream consumer's lifecycle. */
class KinesisShardEnumeratorFanOutTest {
  private final ManualTime time = new ManualTime();
  private final FakeKinesis streams = new FakeKinesis(time);
  private final FakeConsumerKinesis kinesis = new FakeConsumerKinesis(streams);
  private final TestEnumeratorContext context = new TestEnumeratorContext(1, time);

  KinesisShardEnumeratorFanOutTest() {
    streams.createStream("orders", 2);
    kinesis.describesWhileCreating(1);
    context.register(0);
  }

  private KinesisShardEnumerator enumerator(UnaryOperator<KinesisSource.Builder<byte[]>> options) {
    KinesisSource<byte[]> source =
        options
            .apply(
                KinesisSource.builder().stream("orders")
                    .option(KinesisSourceOptions.RETRY_BACKOFF_INITIAL, Duration.ofMillis(5))
                    .option(KinesisSourceOptions.RETRY_BACKOFF_MAX, Duration.ofMillis(10))
                    .proxyFactory(config -> kinesis))
            .build();
    return (KinesisShardEnumerator) source.createEnumerator(context);
  }

  @Test
  void aManagedConsumerIsRegisteredAtStartWithoutBlockingAndDeregisteredWhenThePipelineEnds()
      throws Exception {
    KinesisShardEnumerator enumerator = enumerator(b -> b.fanOut("app"));

    enumerator.start();
    // start only scheduled the wait: the handler runs on the enumerator thread later
    enumerator.addReader(0);
    context.runAsyncCalls();

    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.ACTIVE);
    assertThat(context.assignedTo(0)).hasSize(2);

    enumerator.notifyPipelineEnded();
    enumerator.close();

    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.DELETING);
    assertThat(kinesis.calls()).last().asString().startsWith("DEREGISTER orders/app");
  }

  @Test
  void aCloseForARestartKeepsTheManagedConsumer() throws Exception {
    KinesisShardEnumerator enumerator = enumerator(b -> b.fanOut("app"));
    enumerator.start();
    context.runAsyncCalls();

    enumerator.close();

    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.ACTIVE);
    assertThat(kinesis.calls()).noneMatch(c -> c.startsWith("DEREGISTER"));
  }

  @Test
  void aUserConsumerIsCheckedAtStartAndKeptAtTheEnd() throws Exception {
    kinesis.addConsumer("orders", "theirs", ConsumerStatus.ACTIVE);
    KinesisShardEnumerator enumerator =
        enumerator(
            b -> b.fanOut("theirs").consumerLifecycle(KinesisSourceOptions.ConsumerLifecycle.USER));
    enumerator.start();
    context.runAsyncCalls();

    enumerator.notifyPipelineEnded();
    enumerator.close();

    assertThat(kinesis.status("orders", "theirs")).isEqualTo(ConsumerStatus.ACTIVE);
    assertThat(kinesis.calls())
        .noneMatch(c -> c.startsWith("DEREGISTER") || c.startsWith("REGISTER"));
  }

  @Test
  void aMissingUserConsumerFailsTheSourceFromTheEnumerator() {
    KinesisShardEnumerator enumerator =
        enumerator(
            b -> b.fanOut("theirs").consumerLifecycle(KinesisSourceOptions.ConsumerLifecycle.USER));
    enumerator.start();

    assertThatThrownBy(context::runAsyncCalls)
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("set reader.fanOut.consumerLifecycle managed");
  }

  @Test
  void aDeregistrationThatFailsIsLoggedAndNeverFailsTheEnd() throws Exception {
    KinesisShardEnumerator enumerator = enumerator(b -> b.fanOut("app"));
    enumerator.start();
    context.runAsyncCalls();
    kinesis.failNext(
        FakeConsumerKinesis.Op.DEREGISTER,
        software.amazon.awssdk.services.kinesis.model.KinesisException.builder()
            .message("Access denied")
            .statusCode(400)
            .build());

    enumerator.notifyPipelineEnded();
    enumerator.close();

    assertThat(kinesis.status("orders", "app")).isEqualTo(ConsumerStatus.ACTIVE);
  }

  @Test
  void pollingMakesNoConsumerCalls() throws Exception {
    KinesisShardEnumerator enumerator = enumerator(b -> b);
    enumerator.start();
    context.runAsyncCalls();
    enumerator.notifyPipelineEnded();
    enumerator.close();

    assertThat(kinesis.calls()).isEmpty();
  }
}
