package dev.shardline.kafka.sink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.api.ShardlineException;
import dev.shardline.retry.ServerUnreachableException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordSerializerTest {

  @Test
  void aValueTheFormatCannotWriteFailsNamingTheTopicAndTheFormat() {
    RecordSerializer<String> serializer =
        new RecordSerializer<>(
            value -> {
              throw new IOException("field total missing");
            },
            value -> "orders",
            null,
            "avro");

    assertThatThrownBy(() -> serializer.toRecord("x"))
        .isInstanceOf(ShardlineException.class)
        .hasMessage(
            "Cannot serialize a record for Kafka topic orders with avro: IOException: field total"
                + " missing")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aFormatThatCannotWorkFailsWithItsOwnTypedError() {
    // a schema registry that gives no answer: the runner tells it by its type, not the record's
    ServerUnreachableException outage =
        new ServerUnreachableException(
            "Cannot reach the schema registry at http://127.0.0.1:1",
            "the schema registry at http://127.0.0.1:1",
            Duration.ofSeconds(30),
            new ConnectException("Connection refused"));
    RecordSerializer<String> serializer =
        new RecordSerializer<>(
            value -> {
              throw outage;
            },
            value -> "orders",
            null,
            "avro");

    assertThatThrownBy(() -> serializer.toRecord("x")).isSameAs(outage);
  }
}
