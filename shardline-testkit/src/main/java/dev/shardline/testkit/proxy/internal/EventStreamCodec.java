package dev.shardline.testkit.proxy.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Encodes and decodes the AWS event-stream framing ({@code application/vnd.amazon.eventstream}):
 * each message is a prelude (total length, headers length, both big-endian 32-bit, and the CRC32 of
 * those 8 bytes), the headers (name length byte, name, type byte, value), the payload, and the
 * CRC32 of everything before it. {@link Decoder} takes the bytes as they arrive, in chunks of any
 * size, and hands back each whole message together with its original bytes (so the proxy forwards
 * exactly what the server sent). Stateless encoder; a {@link Decoder} belongs to one stream and one
 * thread.
 */
public final class EventStreamCodec {
  private static final int PRELUDE = 12;
  private static final int MINIMUM = PRELUDE + 4;

  /** AWS's limit on one message (16 MiB); a longer length means the framing is lost. */
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  private EventStreamCodec() {}

  /** A decoded message and the bytes it came in. */
  public record Framed(EventStreamMessage message, byte[] bytes) {}

  /** The message's bytes on the wire. */
  public static byte[] encode(EventStreamMessage message) {
    ByteArrayOutputStream headers = new ByteArrayOutputStream();
    for (Map.Entry<String, Object> header : message.headers().entrySet()) {
      writeHeader(headers, header.getKey(), header.getValue());
    }
    byte[] headerBytes = headers.toByteArray();
    int total = PRELUDE + headerBytes.length + message.payload().length + 4;
    ByteBuffer out = ByteBuffer.allocate(total);
    out.putInt(total).putInt(headerBytes.length);
    out.putInt((int) crc(out.array(), 0, 8));
    out.put(headerBytes).put(message.payload());
    out.putInt((int) crc(out.array(), 0, total - 4));
    return out.array();
  }

  /** Decodes one whole message. */
  public static EventStreamMessage decode(byte[] bytes) throws IOException {
    Decoder decoder = new Decoder();
    List<Framed> messages = decoder.feed(bytes);
    if (messages.size() != 1 || decoder.buffered() != 0) {
      throw new IOException("Expected exactly one event-stream message in " + bytes.length + " B");
    }
    return messages.get(0).message();
  }

  /** Incremental decoder of one stream of messages. */
  public static final class Decoder {
    private byte[] pending = new byte[0];

    /**
     * Adds {@code chunk} and returns the messages it completed, in order.
     *
     * @throws IOException when the framing or a checksum is wrong (the stream cannot be read on)
     */
    public List<Framed> feed(byte[] chunk) throws IOException {
      byte[] all = Arrays.copyOf(pending, pending.length + chunk.length);
      System.arraycopy(chunk, 0, all, pending.length, chunk.length);
      List<Framed> out = new ArrayList<>();
      int offset = 0;
      while (all.length - offset >= PRELUDE) {
        ByteBuffer prelude = ByteBuffer.wrap(all, offset, PRELUDE);
        int total = prelude.getInt();
        int headersLength = prelude.getInt();
        int preludeCrc = prelude.getInt();
        if ((int) crc(all, offset, 8) != preludeCrc) {
          throw new IOException("Event-stream prelude checksum mismatch");
        }
        if (total < MINIMUM
            || total > MAX_MESSAGE
            || headersLength < 0
            || headersLength > total - MINIMUM) {
          throw new IOException(
              "Bad event-stream prelude: total " + total + " B, headers " + headersLength + " B");
        }
        if (all.length - offset < total) {
          break;
        }
        byte[] bytes = Arrays.copyOfRange(all, offset, offset + total);
        int messageCrc = ByteBuffer.wrap(bytes, total - 4, 4).getInt();
        if ((int) crc(bytes, 0, total - 4) != messageCrc) {
          throw new IOException("Event-stream message checksum mismatch");
        }
        Map<String, Object> headers = readHeaders(bytes, PRELUDE, headersLength);
        byte[] payload = Arrays.copyOfRange(bytes, PRELUDE + headersLength, total - 4);
        out.add(new Framed(new EventStreamMessage(headers, payload), bytes));
        offset += total;
      }
      pending = Arrays.copyOfRange(all, offset, all.length);
      return out;
    }

    /** Bytes received that do not make a whole message yet. */
    public int buffered() {
      return pending.length;
    }
  }

  private static Map<String, Object> readHeaders(byte[] bytes, int offset, int length)
      throws IOException {
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    Map<String, Object> headers = new LinkedHashMap<>();
    try {
      while (in.hasRemaining()) {
        byte[] name = new byte[in.get() & 0xff];
        in.get(name);
        int type = in.get();
        Object value;
        switch (type) {
          case 0 -> value = Boolean.TRUE;
          case 1 -> value = Boolean.FALSE;
          case 2 -> value = in.get();
          case 3 -> value = in.getShort();
          case 4 -> value = in.getInt();
          case 5 -> value = in.getLong();
          case 6, 7 -> {
            byte[] raw = new byte[in.getShort() & 0xffff];
            in.get(raw);
            value = type == 6 ? raw : new String(raw, StandardCharsets.UTF_8);
          }
          case 8 -> value = Instant.ofEpochMilli(in.getLong());
          case 9 -> value = new UUID(in.getLong(), in.getLong());
          default -> throw new IOException("Unknown event-stream header type " + type);
        }
        headers.put(new String(name, StandardCharsets.UTF_8), value);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IOException("Truncated event-stream headers", e);
    }
    return headers;
  }

  private static void writeHeader(ByteArrayOutputStream out, String name, Object value) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    out.write(nameBytes.length);
    out.writeBytes(nameBytes);
    ByteBuffer v;
    if (value instanceof Boolean b) {
      out.write(b ? 0 : 1);
      return;
    } else if (value instanceof Byte b) {
      v = ByteBuffer.allocate(2).put((byte) 2).put(b);
    } else if (value instanceof Short s) {
      v = ByteBuffer.allocate(3).put((byte) 3).putShort(s);
    } else if (value instanceof Integer i) {
      v = ByteBuffer.allocate(5).put((byte) 4).putInt(i);
    } else if (value instanceof Long l) {
      v = ByteBuffer.allocate(9).put((byte) 5).putLong(l);
    } else if (value instanceof byte[] || value instanceof String) {
      byte[] raw = value instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
      v = ByteBuffer.allocate(3 + raw.length).put((byte) (value instanceof String ? 7 : 6));
      v.putShort((short) raw.length).put(raw);
    } else if (value instanceof Instant t) {
      v = ByteBuffer.allocate(9).put((byte) 8).putLong(t.toEpochMilli());
    } else if (value instanceof UUID u) {
      v = ByteBuffer.allocate(17).put((byte) 9);
      v.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    } else {
      throw new IllegalArgumentException("Unsupported event-stream header value " + value);
    }
    out.writeBytes(v.array());
  }

  private static long crc(byte[] bytes, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }
}
