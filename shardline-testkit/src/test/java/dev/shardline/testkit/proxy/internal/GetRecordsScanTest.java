package dev.shardline.testkit.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GetRecordsScanTest {

  @ParameterizedTest
  @EnumSource(WireProtocol.class)
  void findsTheNextIteratorAndTheDataBytesWhereverTheyAre(WireProtocol protocol) throws Exception {
    // Given an answer with the iterator after the records, and nested fields to skip
    ObjectNode answer = protocol.newObject();
    answer.put("MillisBehindLatest", 0);
    ArrayNode records = answer.putArray("Records");
    for (int size : new int[] {1, 2, 100, 0}) {
      ObjectNode record = records.addObject();
      record.put("SequenceNumber", "1");
      record.put("PartitionKey", "not counted");
      if (protocol == WireProtocol.CBOR) {
        record.put("Data", PutRecordsBatchTest.payload(size));
      } else {
        record.put("Data", Base64.getEncoder().encodeToString(PutRecordsBatchTest.payload(size)));
      }
      record.put("ApproximateArrivalTimestamp", 1.7e9);
    }
    answer.putArray("ChildShards").addObject().putArray("ParentShards").add("shardId-0");
    answer.put("NextShardIterator", "next-iterator");

    // When
    GetRecordsScan scan = GetRecordsScan.scan(protocol, protocol.write(answer));

    // Then
    assertThat(scan.nextShardIterator()).isEqualTo("next-iterator");
    assertThat(scan.records()).isEqualTo(4);
    assertThat(scan.dataBytes()).isEqualTo(103);
  }

  @Test
  void aClosedShardsLastPageHasNoNextIterator() throws Exception {
    byte[] json = "{\"Records\":[],\"NextShardIterator\":null}".getBytes();

    GetRecordsScan scan = GetRecordsScan.scan(WireProtocol.JSON, json);

    assertThat(scan.nextShardIterator()).isNull();
    assertThat(scan.dataBytes()).isZero();
  }

  @Test
  void base64LengthIsTheDecodedLength() {
    for (int n = 0; n < 10; n++) {
      String encoded = Base64.getEncoder().encodeToString(new byte[n]);
      String unpadded = Base64.getEncoder().withoutPadding().encodeToString(new byte[n]);
      assertThat(WireProtocol.base64DecodedLength(encoded)).as(encoded).isEqualTo(n);
      assertThat(WireProtocol.base64DecodedLength(unpadded)).as(unpadded).isEqualTo(n);
    }
  }
}
