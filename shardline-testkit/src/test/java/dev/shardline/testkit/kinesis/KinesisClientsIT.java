package dev.shardline.testkit.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardline.testkit.junit.LocalKinesaliteExtension;
import dev.shardline.testkit.junit.LocalKinesisExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** CBOR clients of kinesis-local and JSON clients of kinesalite in one JVM. */
class KinesisClientsIT {
  @RegisterExtension
  static final LocalKinesisExtension KINESIS =
      new LocalKinesisExtension(LocalKinesis.builder().initialStream("cbor", 1));

  @RegisterExtension
  static final LocalKinesaliteExtension KINESALITE =
      new LocalKinesaliteExtension(LocalKinesalite.builder().initialStream("json", 1));

  @Test
  void cborAndJsonClientsWorkSideBySideWhateverTheJvmWideSetting() {
    String previous = System.getProperty(KinesisClients.CBOR_PROPERTY);
    try {
      for (String jvmWide : new String[] {"true", "false", null}) {
        // Given the JVM-wide CBOR setting says one thing
        if (jvmWide == null) {
          System.clearProperty(KinesisClients.CBOR_PROPERTY);
        } else {
          System.setProperty(KinesisClients.CBOR_PROPERTY, jvmWide);
        }

        // When clients of both servers are built, interleaved
        try (KinesisClient json1 = jsonClient();
            KinesisClient cbor = cborClient();
            KinesisClient json2 = jsonClient()) {

          // Then each writes and reads its server's records with correct timestamps
          assertThat(putAndGet(json1, "json", "one-" + jvmWide)).isEqualTo("one-" + jvmWide);
          assertThat(putAndGet(cbor, "cbor", "two-" + jvmWide)).isEqualTo("two-" + jvmWide);
          assertThat(putAndGet(json2, "json", "three-" + jvmWide)).isEqualTo("three-" + jvmWide);
        }
        // and the JVM-wide setting is left as it was
        assertThat(System.getProperty(KinesisClients.CBOR_PROPERTY)).isEqualTo(jvmWide);
      }
    } finally {
      if (previous == null) {
        System.clearProperty(KinesisClients.CBOR_PROPERTY);
      } else {
        System.setProperty(KinesisClients.CBOR_PROPERTY, previous);
      }
    }
  }

  @Test
  void kinesaliteMisreadsCborFromTheSdk() {
    // Given a CBOR client of kinesalite (what a client built with the SDK's defaults is)
    LocalKinesalite kinesalite = KINESALITE.get();
    kinesalite.createStream("cbor-written", 1);
    try (KinesisClient cbor =
        KinesisClients.sync(
            kinesalite.endpoint(), kinesalite.region(), kinesalite.credentials(), true)) {

      // Then timestamps come back wrong (seconds read as milliseconds: a stream from 1970)
      Instant created =
          cbor.describeStreamSummary(b -> b.streamName("cbor-written"))
              .streamDescriptionSummary()
              .streamCreationTimestamp();
      assertThat(created).isBefore(Instant.parse("1971-01-01T00:00:00Z"));

      // And a record it writes is stored so that no client, JSON or CBOR, can read it back:
      // why LocalKinesalite's clients speak JSON
      cbor.putRecord(
          b ->
              b.streamName("cbor-written").partitionKey("k").data(SdkBytes.fromUtf8String("cbor")));
      for (KinesisClient reader : List.of(cbor, kinesalite.client())) {
        String iterator = trimHorizon(reader, "cbor-written");
        assertThatThrownBy(() -> reader.getRecords(b -> b.shardIterator(iterator)))
            .isInstanceOf(SdkClientException.class)
            .hasMessageContaining("Unable to unmarshall response");
      }
    }
  }

  private static KinesisClient jsonClient() {
    LocalKinesalite server = KINESALITE.get();
    return KinesisClients.sync(server.endpoint(), server.region(), server.credentials(), false);
  }

  private static KinesisClient cborClient() {
    LocalKinesis server = KINESIS.get();
    return KinesisClients.sync(server.endpoint(), server.region(), server.credentials(), true);
  }

  /** Puts one record, reads the stream's only shard back, and returns the last record's data. */
  private static String putAndGet(KinesisClient client, String stream, String data) {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
    client.putRecord(
        b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String(data)));
    String iterator = trimHorizon(client, stream);
    List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
    Record last = records.get(records.size() - 1);
    assertThat(last.approximateArrivalTimestamp()).isAfterOrEqualTo(before);
    return new String(last.data().asByteArray(), StandardCharsets.UTF_8);
  }

  private static String trimHorizon(KinesisClient client, String stream) {
    String shard = client.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
    return StreamContents.trimHorizonIterator(client, stream, shard);
  }
}
