package dev.shardline.testkit.proxy.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.CharBuffer;

/**
 * What the proxy needs from a GetRecords answer, read in one streaming pass (answers run to
 * megabytes): the next iterator, and the record data bytes it returned (what the read budget is
 * charged).
 *
 * @param nextShardIterator null when the shard is closed and read to its end
 * @param records how many records the answer holds
 * @param dataBytes their data bytes, decoded
 */
public record GetRecordsScan(String nextShardIterator, int records, long dataBytes) {

  public static GetRecordsScan scan(WireProtocol protocol, byte[] body) throws IOException {
    String next = null;
    int records = 0;
    long bytes = 0;
    try (JsonParser parser = protocol.factory().createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("A GetRecords answer must be an object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("NextShardIterator")) {
          next = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        } else if (field.equals("Records") && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            records++;
            bytes += dataBytes(parser);
          }
        } else {
          parser.skipChildren();
        }
      }
    }
    return new GetRecordsScan(next, records, bytes);
  }

  /** Reads one record object to its end; its Data bytes. */
  private static long dataBytes(JsonParser parser) throws IOException {
    long bytes = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("Data")) {
        if (value == JsonToken.VALUE_STRING) {
          bytes +=
              WireProtocol.base64DecodedLength(
                  CharBuffer.wrap(
                      parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength()),
                  0,
                  parser.getTextLength());
        } else if (value == JsonToken.VALUE_EMBEDDED_OBJECT) {
          bytes += parser.getBinaryValue().length;
        }
      } else {
        parser.skipChildren();
      }
    }
    return bytes;
  }
}
