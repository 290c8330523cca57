package dev.shardline.format;

import static dev.shardline.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a schema registry is and how to reach it: the URL of its Confluent-compatible API, optional
 * basic-auth credentials, an optional truststore for TLS, the timeout of one request and how long
 * it may stay unreachable before calls fail. An immutable, serializable value; its {@code
 * toString()} never shows the password or the truststore password. Thread-safe.
 *
 * <pre>{@code
 * SchemaRegistrySettings registry = SchemaRegistrySettings.of("http://127.0.0.1:8080/apis/ccompat/v7")
 *     .withBasicAuth("shardline", System.getenv("REGISTRY_PASSWORD"));
 * }</pre>
 *
 * <p>Defaults: no credentials, the JVM's default truststore, request timeout 10 s, unreachable
 * timeout 30 s.
 */
public final class SchemaRegistrySettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String url;
  private final String user;
  private final String password;
  private final String truststore;
  private final String truststorePassword;
  private final String truststoreType;
  private final Duration requestTimeout;
  private final Duration unreachableTimeout;

  private SchemaRegistrySettings(
      String url,
      String user,
      String password,
      String truststore,
      String truststorePassword,
      String truststoreType,
      Duration requestTimeout,
      Duration unreachableTimeout) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.truststore = truststore;
    this.truststorePassword = truststorePassword;
    this.truststoreType = truststoreType;
    this.requestTimeout = requestTimeout;
    this.unreachableTimeout = unreachableTimeout;
  }

  /**
   * The registry whose Confluent-compatible API is at {@code url} (trailing slashes dropped).
   *
   * @throws IllegalArgumentException when {@code url} is not an http or https URL
   */
  public static SchemaRegistrySettings of(String url) {
    checkNotNull(url, "url");
    String trimmed = url.strip().replaceAll("/+$", "");
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + e.getMessage(), e);
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "must be an http or https URL such as http://registry:8080/apis/ccompat/v7");
    }
    return new SchemaRegistrySettings(
        trimmed, null, null, null, null, "PKCS12", Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  /** The same registry, with basic-auth credentials. */
  public SchemaRegistrySettings withBasicAuth(String user, String password) {
    return new SchemaRegistrySettings(
        url,
        checkNotNull(user, "user"),
        checkNotNull(password, "password"),
        truststore,
        truststorePassword,
        truststoreType,
        requestTimeout,
        unreachableTimeout);
  }

  /**
   * The same registry, trusting the certificates in {@code file} (of {@code type}, e.g. PKCS12 or
   * JKS; a null password for none) instead of the JVM's default truststore.
   */
  public SchemaRegistrySettings withTruststore(Path file, String password, String type) {
    return new SchemaRegistrySettings(
        url,
        user,
        this.password,
        checkNotNull(file, "file").toString(),
        password,
        checkNotNull(type, "type"),
        requestTimeout,
        unreachableTimeout);
  }

  /** The same registry, with these timeouts (one request; an outage before calls fail). */
  public SchemaRegistrySettings withTimeouts(Duration request, Duration unreachable) {
    return new SchemaRegistrySettings(
        url,
        user,
        password,
        truststore,
        truststorePassword,
        truststoreType,
        checkNotNull(request, "request"),
        checkNotNull(unreachable, "unreachable"));
  }

  /** The Confluent-compatible API's URL, without a trailing slash. */
  public String url() {
    return url;
  }

  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The basic-auth password: never print it. */
  public Optional<String> password() {
    return Optional.ofNullable(password);
  }

  public Optional<Path> truststore() {
    return Optional.ofNullable(truststore).map(Path::of);
  }

  /** The truststore password: never print it. */
  public Optional<String> truststorePassword() {
    return Optional.ofNullable(truststorePassword);
  }

  public String truststoreType() {
    return truststoreType;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration unreachableTimeout() {
    return unreachableTimeout;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SchemaRegistrySettings)) {
      return false;
    }
    SchemaRegistrySettings other = (SchemaRegistrySettings) o;
    return url.equals(other.url)
        && Objects.equals(user, other.user)
        && Objects.equals(password, other.password)
        && Objects.equals(truststore, other.truststore)
        && Objects.equals(truststorePassword, other.truststorePassword)
        && truststoreType.equals(other.truststoreType)
        && requestTimeout.equals(other.requestTimeout)
        && unreachableTimeout.equals(other.unreachableTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(url, user, truststore, truststoreType, requestTimeout, unreachableTimeout);
  }

  @Override
  public String toString() {
    return "SchemaRegistrySettings{url="
        + url
        + (user == null ? "" : ", user=" + user + ", password=****")
        + (truststore == null ? "" : ", truststore=" + truststore + " (" + truststoreType + ")")
        + "}";
  }
}
