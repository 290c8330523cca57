package dev.shardline.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How many records one Kinesis or Kafka record holds. {@link #NONE}: exactly one. {@link #NEWLINE}:
 * one per line, as when a producer batches JSON lines into one record.
 *
 * <p>Newline framing splits on the byte {@code \n}, drops a {@code \r} before it (CRLF), and
 * ignores the empty line after a final newline; an empty line elsewhere is an (empty) record of its
 * own, which most formats then treat as bad data. It works on bytes, so it needs a charset where a
 * newline is the single byte {@code 0x0A} and no other character contains that byte: UTF-8, ASCII,
 * ISO-8859-*, not UTF-16 or UTF-32.
 *
 * <p>Stateless and thread-safe. Default ({@code framing} option): {@link #NONE}.
 *
 * <pre>{@code
 * Framing.NEWLINE.split("{\"a\":1}\r\n{\"a\":2}\n".getBytes(UTF_8)); // two records
 * }</pre>
 */
public enum Framing {
  /** One record is one value. */
  NONE {
    @Override
    public List<byte[]> split(byte[] data) {
      return List.of(data);
    }
  },

  /** One record holds one value per line. */
  NEWLINE {
    @Override
    public List<byte[]> split(byte[] data) {
      List<byte[]> lines = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < data.length; i++) {
        if (data[i] == '\n') {
          int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
          lines.add(Arrays.copyOfRange(data, start, end));
          start = i + 1;
        }
      }
      if (start < data.length) {
        int end = data[data.length - 1] == '\r' ? data.length - 1 : data.length;
        lines.add(Arrays.copyOfRange(data, start, end));
      }
      return lines;
    }
  };

  /** The values {@code data} holds, in order; the arrays are the caller's to keep. */
  public abstract List<byte[]> split(byte[] data);
}
