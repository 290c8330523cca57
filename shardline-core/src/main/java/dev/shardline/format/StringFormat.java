package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Text in a charset (UTF-8 unless told otherwise). Strict both ways: bytes that are not valid in
 * the charset are bad data (an {@link CharacterCodingException}), not silently replaced with {@code
 * U+FFFD}; text the charset cannot encode fails to serialize. The format named {@code string}.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * Format<String> utf8 = StringFormat.utf8();
 * Format<String> latin1 = StringFormat.of(StandardCharsets.ISO_8859_1);
 * }</pre>
 */
public final class StringFormat implements Format<String> {
  private static final long serialVersionUID = 1L;

  private static final StringFormat UTF_8 = new StringFormat(StandardCharsets.UTF_8);

  // Charset is not Serializable: keep its name.
  private final String charsetName;
  private transient Charset charset;

  private StringFormat(Charset charset) {
    this.charsetName = charset.name();
    this.charset = charset;
  }

  /** UTF-8 text. */
  public static StringFormat utf8() {
    return UTF_8;
  }

  /** Text in {@code charset}. */
  public static StringFormat of(Charset charset) {
    checkNotNull(charset, "charset");
    return charset.equals(StandardCharsets.UTF_8) ? UTF_8 : new StringFormat(charset);
  }

  /** The charset. */
  public Charset charset() {
    Charset c = charset;
    if (c == null) {
      c = Charset.forName(charsetName);
      charset = c;
    }
    return c;
  }

  @Override
  public String name() {
    return "string";
  }

  @Override
  public String deserialize(byte[] bytes) throws IOException {
    CharsetDecoder decoder =
        charset()
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out =
        CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()) + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError() || result.isOverflow()) {
      throw new CharacterCodingExceptionWithMessage(
          "not valid " + charsetName + " text: " + describe(result) + " at byte " + in.position());
    }
    return out.flip().toString();
  }

  private static String describe(CoderResult result) {
    return result.isMalformed()
        ? "malformed input"
        : (result.isUnmappable() ? "unmappable character" : "cannot decode");
  }

  /** {@link CharacterCodingException} has no message of its own. */
  private static final class CharacterCodingExceptionWithMessage extends CharacterCodingException {
    private static final long serialVersionUID = 1L;
    private final String message;

    CharacterCodingExceptionWithMessage(String message) {
      this.message = message;
    }

    @Override
    public String getMessage() {
      return message;
    }
  }

  @Override
  public byte[] serialize(String value) throws IOException {
    ByteBuffer buffer =
        charset()
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .encode(CharBuffer.wrap(value));
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Override
  public String toString() {
    return "StringFormat{" + charsetName + "}";
  }

  @Override
  public Class<?> producedClass() {
    return String.class;
  }
}
