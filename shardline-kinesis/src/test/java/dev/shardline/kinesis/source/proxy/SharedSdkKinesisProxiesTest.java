package dev.shardline.kinesis.source.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.KinesisSourceOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No server needed: building a client makes no call. */
class SharedSdkKinesisProxiesTest {

  private static Configuration config(String stream) {
    return KinesisSourceOptions.ALL.validate(
        Configuration.fromMap(
            Map.of(
                "streams",
                List.of(stream),
                "awsRegion",
                Map.of(
                    "type",
                    "custom-endpoint",
                    "endpoint",
                    "http://127.0.0.1:4567",
                    "id",
                    "us-east-1"),
                "awsCredentials",
                Map.of("type", "basic", "accessKeyId", "test", "secretAccessKey", "test"))));
  }

  @Test
  void theEnumeratorAndReadersOfOneSourceShareOneClientClosedWithTheLastHandle() {
    int before = SharedSdkKinesisProxies.open();
    KinesisProxy enumerator = KinesisProxyFactory.SDK.create(config("orders"));
    KinesisProxy reader0 = KinesisProxyFactory.SDK.create(config("orders"));
    KinesisProxy reader1 = KinesisProxyFactory.SDK.create(config("orders"));
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before + 1);

    KinesisProxy other = KinesisProxyFactory.SDK.create(config("payments"));
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before + 2);
    other.close();
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before + 1);

    reader0.close();
    reader0.close(); // a second close of one handle does not count twice
    enumerator.close();
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before + 1);
    reader1.close();
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before);

    // a restart after everything closed builds a new one
    KinesisProxy again = KinesisProxyFactory.SDK.create(config("orders"));
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before + 1);
    again.close();
    assertThat(SharedSdkKinesisProxies.open()).isEqualTo(before);
  }
}
