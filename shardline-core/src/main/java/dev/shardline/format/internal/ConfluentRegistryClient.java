package dev.shardline.format.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.api.RetriableException;
import dev.shardline.api.ShardlineException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.format.SchemaRegistrySettings;
import dev.shardline.retry.Backoff;
import dev.shardline.retry.RetriesExhaustedException;
import dev.shardline.retry.RetryExecutor;
import dev.shardline.retry.RetryPolicy;
import dev.shardline.retry.ServerUnreachableException;
import dev.shardline.time.Time;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of a schema registry's Confluent-compatible REST API ({@code /schemas/ids/{id}}, {@code
 * /subjects/{subject}/versions}, {@code /subjects/{subject}}, {@code /config/{subject}}), over the
 * JDK's HTTP client. A call that gets no answer, or a 5xx, is retried with backoff for up to the
 * settings' unreachable timeout, then fails with a {@link ServerUnreachableException} naming the
 * URL (the runner restarts the pipeline from its last checkpoint, as its restart policy allows).
 * Refused credentials and other 4xx answers fail at once. Never shows the password. Thread-safe.
 */
public final class ConfluentRegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** What the registry said to a request it understood but refused (a 4xx). */
  public static final class RegistryAnswer extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int errorCode;

    RegistryAnswer(int status, int errorCode, String message) {
      super(message);
      this.status = status;
      this.errorCode = errorCode;
    }

    public int status() {
      return status;
    }

    /** The registry's {@code error_code} (40403: schema not found, 40401: subject not found). */
    public int errorCode() {
      return errorCode;
    }
  }

  private final SchemaRegistrySettings settings;
  private final HttpClient http;
  private final RetryExecutor retry;
  private final Optional<String> authorization;

  public ConfluentRegistryClient(SchemaRegistrySettings settings, Time time) {
    this.settings = settings;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .connectTimeout(settings.requestTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL);
    if (settings.truststore().isPresent()) {
      builder.sslContext(sslContext(settings));
    }
    this.http = builder.build();
    this.retry =
        new RetryExecutor(
            RetryPolicy.builder()
                .backoff(new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2))
                .unlimitedAttempts()
                .maxElapsed(settings.unreachableTimeout())
                .build(),
            time);
    this.authorization =
        settings
            .user()
            .map(
                user ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (user + ":" + settings.password().orElse(""))
                                    .getBytes(StandardCharsets.UTF_8)));
  }

  /** The registry's URL, for messages. */
  public String url() {
    return settings.url();
  }

  /**
   * The schema text with id {@code id}.
   *
   * @throws RegistryAnswer when the registry has no such id (error code 40403) or refuses
   */
  public String schemaById(int id) throws RegistryAnswer {
    return send("GET", "/schemas/ids/" + id, null).path("schema").asText();
  }

  /** Registers {@code schema} under {@code subject} (or finds it there) and returns its id. */
  public int register(String subject, String schema) throws RegistryAnswer {
    return send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema))
        .path("id")
        .asInt();
  }

  /**
   * The id of {@code schema} under {@code subject}.
   *
   * @throws RegistryAnswer when it is not registered there (404)
   */
  public int lookup(String subject, String schema) throws RegistryAnswer {
    return send("POST", "/subjects/" + encode(subject), schemaBody(schema)).path("id").asInt();
  }

  /** The compatibility rule of {@code subject} (its own, else the registry's), e.g. BACKWARD. */
  public String compatibility(String subject) {
    try {
      return send("GET", "/config/" + encode(subject), null).path("compatibilityLevel").asText();
    } catch (RegistryAnswer e) {
      try {
        return send("GET", "/config", null).path("compatibilityLevel").asText();
      } catch (RegistryAnswer again) {
        return "unknown";
      }
    }
  }

  private JsonNode send(String method, String path, String body) throws RegistryAnswer {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.url() + path))
            .timeout(settings.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    authorization.ifPresent(value -> request.header("Authorization", value));
    HttpRequest built = request.build();
    String operation = method + " " + settings.url() + path;
    HttpResponse<String> response;
    try {
      response =
          retry.call(
              operation,
              () -> {
                HttpResponse<String> answer;
                try {
                  answer = http.send(built, HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                  throw new RetriableException(describe(e), e);
                }
                if (answer.statusCode() >= 500) {
                  throw new RetriableException(
                      "HTTP " + answer.statusCode() + ": " + abbreviate(answer.body()));
                }
                return answer;
              });
    } catch (RetriesExhaustedException e) {
      throw new ServerUnreachableException(
          "Cannot reach the schema registry at "
              + settings.url()
              + ": "
              + lastProblem(e)
              + " after "
              + e.attempts()
              + " attempts over "
              + e.elapsed().toMillis()
              + " ms (avro.registry.unreachableTimeout "
              + settings.unreachableTimeout().toMillis()
              + " ms); check that the registry is up and that avro.registry.url is right",
          "the schema registry at " + settings.url(),
          e.elapsed(),
          // the I/O error itself: the retry wrappers between say less than this message
          rootOf(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ShardlineException("Interrupted while calling the schema registry", e);
    }
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new UnrecoverableException(
          "The schema registry at "
              + settings.url()
              + " refused the request (HTTP "
              + status
              + "): check avro.registry.user and avro.registry.password");
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
    } catch (IOException e) {
      throw new ShardlineException(
          "The schema registry at "
              + settings.url()
              + " answered "
              + operation
              + " with something that is not JSON (HTTP "
              + status
              + "): "
              + abbreviate(response.body())
              + "; is avro.registry.url the Confluent-compatible API (e.g. .../apis/ccompat/v7)?",
          e);
    }
    if (status >= 400) {
      throw new RegistryAnswer(
          status, answer.path("error_code").asInt(0), answer.path("message").asText(""));
    }
    return answer;
  }

  /** What went wrong, in words: "connection refused", "request timed out", "HTTP 503: ...". */
  private static String lastProblem(RetriesExhaustedException e) {
    Throwable last = e.getCause();
    return last == null || last.getMessage() == null ? "no answer" : last.getMessage();
  }

  private static Throwable rootOf(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer within avro.registry.requestTimeout";
    }
    return "no answer ("
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
        + ")";
  }

  private static String schemaBody(String schema) {
    ObjectNode body = JSON.createObjectNode();
    body.put("schema", schema);
    return body.toString();
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private static SSLContext sslContext(SchemaRegistrySettings settings) {
    try {
      KeyStore store = KeyStore.getInstance(settings.truststoreType());
      char[] password = settings.truststorePassword().map(String::toCharArray).orElse(null);
      try (InputStream in = Files.newInputStream(settings.truststore().get())) {
        store.load(in, password);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new UnrecoverableException(
          "Cannot load the schema registry truststore "
              + settings.truststore().get()
              + " ("
              + settings.truststoreType()
              + "): "
              + e.getMessage()
              + "; check avro.registry.truststore, truststoreType and truststorePassword",
          e);
    }
  }
}
