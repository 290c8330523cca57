package dev.shardline.kafka;

import java.util.HexFormat;

/** Hex text of bytes, for pinning serialized state formats in tests. */
public final class Hex {
  private Hex() {}

  public static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  public static String of(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
