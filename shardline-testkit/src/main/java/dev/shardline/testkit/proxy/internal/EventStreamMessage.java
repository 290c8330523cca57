package dev.shardline.testkit.proxy.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message of an {@code application/vnd.amazon.eventstream} body, as Kinesis sends
 * SubscribeToShard events: headers ({@code :message-type}, {@code :event-type} or {@code
 * :exception-type}, {@code :content-type}) and a payload. Header values are {@link String} (type
 * 7), {@code byte[]} (6), {@link Boolean}, {@link Byte}, {@link Short}, {@link Integer}, {@link
 * Long} (2 to 5), {@link java.time.Instant} (8) or {@link java.util.UUID} (9). Immutable; the
 * payload array is not copied, nobody changes it.
 */
public record EventStreamMessage(Map<String, Object> headers, byte[] payload) {
  public static final String MESSAGE_TYPE = ":message-type";
  public static final String EVENT_TYPE = ":event-type";
  public static final String EXCEPTION_TYPE = ":exception-type";
  public static final String CONTENT_TYPE = ":content-type";
  public static final String SUBSCRIBE_TO_SHARD_EVENT = "SubscribeToShardEvent";

  public EventStreamMessage {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    Objects.requireNonNull(payload, "payload cannot be null");
  }

  /** An {@code event} message of {@code eventType} with a payload of {@code contentType}. */
  public static EventStreamMessage event(String eventType, String contentType, byte[] payload) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(MESSAGE_TYPE, "event");
    headers.put(EVENT_TYPE, eventType);
    headers.put(CONTENT_TYPE, contentType);
    return new EventStreamMessage(headers, payload);
  }

  /** An {@code exception} message, {@code {"message":...}} in JSON, as kinesis-local sends one. */
  public static EventStreamMessage exception(String exceptionType, String message) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(MESSAGE_TYPE, "exception");
    headers.put(EXCEPTION_TYPE, exceptionType);
    headers.put(CONTENT_TYPE, "application/json");
    byte[] payload = WireProtocol.JSON.write(WireProtocol.JSON.newObject().put("message", message));
    return new EventStreamMessage(headers, payload);
  }

  /** A string header, or null when absent or of another type. */
  public String header(String name) {
    Object value = headers.get(name);
    return value instanceof String ? (String) value : null;
  }

  /** Whether this is a {@code SubscribeToShardEvent} event. */
  public boolean isSubscribeToShardEvent() {
    return "event".equals(header(MESSAGE_TYPE))
        && SUBSCRIBE_TO_SHARD_EVENT.equals(header(EVENT_TYPE));
  }

  /** Whether this is an {@code exception} message of {@code exceptionType}. */
  public boolean isException(String exceptionType) {
    return "exception".equals(header(MESSAGE_TYPE)) && exceptionType.equals(header(EXCEPTION_TYPE));
  }

  /**
   * The protocol the payload is written in: CBOR when {@code :content-type} says so, else JSON
   * (kinesis-local 0.6.2 writes {@code application/json} whatever the request's protocol).
   */
  public WireProtocol payloadProtocol() {
    String type = header(CONTENT_TYPE);
    return type != null && type.toLowerCase(java.util.Locale.ROOT).contains("cbor")
        ? WireProtocol.CBOR
        : WireProtocol.JSON;
  }

  @Override
  public String toString() {
    return "EventStreamMessage" + headers + " " + new String(payload, StandardCharsets.UTF_8);
  }
}
