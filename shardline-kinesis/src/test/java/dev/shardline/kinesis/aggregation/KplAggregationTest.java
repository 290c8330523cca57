package dev.shardline.kinesis.aggregation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KplAggregationTest {

  /** The KPL's messages.proto, built at run time for protobuf-java's DynamicMessage. */
  private static final FileDescriptor KPL_PROTO = kplProto();

  private static final Descriptor AGGREGATED = KPL_PROTO.findMessageTypeByName("AggregatedRecord");
  private static final Descriptor RECORD = KPL_PROTO.findMessageTypeByName("Record");
  private static final Descriptor TAG = KPL_PROTO.findMessageTypeByName("Tag");

  @Test
  void userRecordsSurviveARoundTripInOrder() {
    RecordAggregator aggregator = new RecordAggregator();
    List<UserRecord> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      UserRecord user =
          new UserRecord("key-" + (i % 7), i % 3 == 0 ? "1" + i : null, ("value " + i).getBytes());
      users.add(user);
      assertThat(aggregator.tryAdd(user)).isTrue();
    }
    byte[] bytes = aggregator.toBytes();

    assertThat(RecordDeaggregator.hasMagic(bytes)).isTrue();
    assertThat(RecordDeaggregator.deaggregate(bytes)).contains(users);
    assertThat(aggregator.sizeInBytes()).isEqualTo(bytes.length + "key-0".length());
    assertThat(aggregator.partitionKey()).isEqualTo("key-0");
    assertThat(aggregator.explicitHashKey()).isEqualTo("10");
  }

  @Test
  void whatTheAggregatorWritesIsWhatProtobufJavaReads() throws Exception {
    RecordAggregator aggregator = new RecordAggregator();
    aggregator.tryAdd("a", null, "one".getBytes(UTF_8));
    aggregator.tryAdd("b", "12345", "two".getBytes(UTF_8));
    aggregator.tryAdd("a", "12345", new byte[0]);
    byte[] bytes = aggregator.toBytes();

    byte[] body = java.util.Arrays.copyOfRange(bytes, 4, bytes.length - 16);
    DynamicMessage message = DynamicMessage.parseFrom(AGGREGATED, body);
    assertThat(message.getField(AGGREGATED.findFieldByName("partition_key_table")))
        .isEqualTo(List.of("a", "b"));
    assertThat(message.getField(AGGREGATED.findFieldByName("explicit_hash_key_table")))
        .isEqualTo(List.of("12345"));
    @SuppressWarnings("unchecked")
    List<DynamicMessage> records =
        (List<DynamicMessage>) message.getField(AGGREGATED.findFieldByName("records"));
    assertThat(records).hasSize(3);
    assertThat(records.get(1).getField(RECORD.findFieldByName("partition_key_index")))
        .isEqualTo(1L);
    assertThat(records.get(1).getField(RECORD.findFieldByName("explicit_hash_key_index")))
        .isEqualTo(0L);
    assertThat(records.get(0).hasField(RECORD.findFieldByName("explicit_hash_key_index")))
        .isFalse();
    assertThat(records.get(1).getField(RECORD.findFieldByName("data")))
        .isEqualTo(ByteString.copyFromUtf8("two"));
    assertThat(java.util.Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length))
        .isEqualTo(MessageDigest.getInstance("MD5").digest(body));
  }

  @Test
  void whatProtobufJavaWritesTheDeaggregatorReadsTagsAndUnknownFieldsIncluded() throws Exception {
    DynamicMessage tag =
        DynamicMessage.newBuilder(TAG)
            .setField(TAG.findFieldByName("key"), "color")
            .setField(TAG.findFieldByName("value"), "blue")
            .build();
    DynamicMessage first =
        DynamicMessage.newBuilder(RECORD)
            .setField(RECORD.findFieldByName("partition_key_index"), 1L)
            .setField(RECORD.findFieldByName("data"), ByteString.copyFromUtf8("first"))
            .addRepeatedField(RECORD.findFieldByName("tags"), tag)
            .build();
    DynamicMessage second =
        DynamicMessage.newBuilder(RECORD)
            .setField(RECORD.findFieldByName("partition_key_index"), 0L)
            .setField(RECORD.findFieldByName("explicit_hash_key_index"), 0L)
            .setField(RECORD.findFieldByName("data"), ByteString.copyFromUtf8("second"))
            .build();
    byte[] body =
        DynamicMessage.newBuilder(AGGREGATED)
            .addRepeatedField(AGGREGATED.findFieldByName("partition_key_table"), "pk0")
            .addRepeatedField(AGGREGATED.findFieldByName("partition_key_table"), "pk1")
            .addRepeatedField(AGGREGATED.findFieldByName("explicit_hash_key_table"), "42")
            .addRepeatedField(AGGREGATED.findFieldByName("records"), first)
            .addRepeatedField(AGGREGATED.findFieldByName("records"), second)
            .build()
            .toByteArray();
    // a field from a later version of the format (number 9, varint) must be skipped
    byte[] withUnknown = concat(body, new byte[] {(byte) (9 << 3), 5});

    assertThat(RecordDeaggregator.deaggregate(aggregate(withUnknown)))
        .contains(
            List.of(
                new UserRecord("pk1", null, "first".getBytes(UTF_8)),
                new UserRecord("pk0", "42", "second".getBytes(UTF_8))));
  }

  @Test
  void aKnownAggregateFromTheFormatSpecDecodes() {
    // Written by hand from the documented format: table ["k"], one record {pk 0, data "hi"}
    byte[] body = HexFormat.of().parseHex("0a016b" + "1a06" + "0800" + "1a026869");
    assertThat(RecordDeaggregator.deaggregate(aggregate(body)))
        .contains(List.of(new UserRecord("k", null, "hi".getBytes(UTF_8))));
    RecordAggregator aggregator = new RecordAggregator();
    aggregator.tryAdd("k", null, "hi".getBytes(UTF_8));
    assertThat(aggregator.toBytes()).isEqualTo(aggregate(body));
  }

  @Test
  void aRecordFailingTheMagicOrDigestCheckIsNotAnAggregate() {
    RecordAggregator aggregator = new RecordAggregator();
    aggregator.tryAdd("k", null, "payload".getBytes(UTF_8));
    byte[] good = aggregator.toBytes();

    byte[] badDigest = good.clone();
    badDigest[badDigest.length - 1] ^= 1;
    byte[] badMagic = good.clone();
    badMagic[0] = 0;
    byte[] badBody = good.clone();
    badBody[6] ^= 0x40;

    assertThat(RecordDeaggregator.deaggregate(badDigest)).isEmpty();
    assertThat(RecordDeaggregator.deaggregate(badMagic)).isEmpty();
    assertThat(RecordDeaggregator.deaggregate(badBody)).isEmpty();
    assertThat(RecordDeaggregator.deaggregate("plain json {}".getBytes(UTF_8))).isEmpty();
    assertThat(RecordDeaggregator.deaggregate(new byte[0])).isEmpty();
  }

  @Test
  void malformedProtobufWithAValidDigestIsNotAnAggregate() {
    // a partition key index pointing past the table, a truncated varint, a record without data
    assertThat(RecordDeaggregator.deaggregate(aggregate(hex("0a016b1a0608051a026869")))).isEmpty();
    assertThat(RecordDeaggregator.deaggregate(aggregate(hex("0a016b1a0208")))).isEmpty();
    assertThat(RecordDeaggregator.deaggregate(aggregate(hex("0a016b1a020800")))).isEmpty();
    assertThat(RecordDeaggregator.deaggregate(aggregate(hex("0aff")))).isEmpty();
  }

  @Test
  void theAggregatorRefusesTheRecordThatWouldCrossTheLimitExactly() {
    RecordAggregator aggregator = new RecordAggregator(200);
    int added = 0;
    while (aggregator.tryAdd("key", null, new byte[10])) {
      added++;
      assertThat(aggregator.sizeInBytes()).isLessThanOrEqualTo(200);
      assertThat(aggregator.toBytes().length + 3).isEqualTo(aggregator.sizeInBytes());
    }
    assertThat(added).isGreaterThan(5);
    // one more record of 10 bytes costs 14 bytes; it did not fit
    assertThat(aggregator.sizeInBytes() + 14).isGreaterThan(200);
    aggregator.clear();
    assertThat(aggregator.isEmpty()).isTrue();
    assertThatThrownBy(() -> aggregator.tryAdd("key", null, new byte[300]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit in one aggregated record of at most 200 bytes");
  }

  @Test
  void aFullSizeAggregateStaysWithinOneMebibyte() {
    RecordAggregator aggregator = new RecordAggregator();
    int count = 0;
    while (aggregator.tryAdd("partition-" + count, null, new byte[1000])) {
      count++;
    }
    byte[] bytes = aggregator.toBytes();
    assertThat(bytes.length + aggregator.partitionKey().length())
        .isLessThanOrEqualTo(KplFormat.MAX_RECORD_BYTES);
    assertThat(RecordDeaggregator.deaggregate(bytes).map(List::size)).isEqualTo(Optional.of(count));
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  private static byte[] aggregate(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(body);
      return concat(concat(KplFormat.MAGIC, body), digest);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static FileDescriptor kplProto() {
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("messages.proto")
            .setSyntax("proto2")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("AggregatedRecord")
                    .addField(
                        field("partition_key_table", 1, Label.LABEL_REPEATED, Type.TYPE_STRING))
                    .addField(
                        field("explicit_hash_key_table", 2, Label.LABEL_REPEATED, Type.TYPE_STRING))
                    .addField(
                        field("records", 3, Label.LABEL_REPEATED, Type.TYPE_MESSAGE)
                            .setTypeName("Record")))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("Tag")
                    .addField(field("key", 1, Label.LABEL_REQUIRED, Type.TYPE_STRING))
                    .addField(field("value", 2, Label.LABEL_OPTIONAL, Type.TYPE_STRING)))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("Record")
                    .addField(
                        field("partition_key_index", 1, Label.LABEL_REQUIRED, Type.TYPE_UINT64))
                    .addField(
                        field("explicit_hash_key_index", 2, Label.LABEL_OPTIONAL, Type.TYPE_UINT64))
                    .addField(field("data", 3, Label.LABEL_REQUIRED, Type.TYPE_BYTES))
                    .addField(
                        field("tags", 4, Label.LABEL_REPEATED, Type.TYPE_MESSAGE)
                            .setTypeName("Tag")))
            .build();
    try {
      return FileDescriptor.buildFrom(file, new FileDescriptor[0]);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static FieldDescriptorProto.Builder field(
      String name, int number, Label label, Type type) {
    return FieldDescriptorProto.newBuilder()
        .setName(name)
        .setNumber(number)
        .setLabel(label)
        .setType(type);
  }
}
