package dev.shardline.bench.kinesis.source;

import dev.shardline.kinesis.config.AwsCredentials;
import dev.shardline.kinesis.source.KinesisSource;
import dev.shardline.testkit.kinesis.KinesisClients;
import dev.shardline.testkit.kinesis.KinesisEndpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** What the Kinesis source harnesses share (and, for {@link #runChild}, the sink's). */
public final class BenchSupport {
  private BenchSupport() {}

  /** The SDK speaks JSON to kinesalite; set before any client is built (see the testkit). */
  static void jsonProtocol() {
    System.setProperty("aws.cborEnabled", "false");
  }

  /**
   * A source for a local server: basic dummy credentials, JSON, everything else default, or as the
   * environment variable {@code SOURCE_OPTIONS} says ({@code key=value} pairs separated by {@code
   * ;}, keys as in YAML, e.g. {@code clientConfigProperties.maxConcurrency=1}), for trying an
   * option.
   */
  static KinesisSource.Builder<byte[]> source(KinesisEndpoint endpoint, String stream) {
    java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
    String options = System.getenv("SOURCE_OPTIONS");
    if (options != null && !options.isBlank()) {
      for (String pair : options.split(";")) {
        int eq = pair.indexOf('=');
        extra.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return KinesisSource.builder().stream(stream)
        .endpoint(endpoint.endpoint(), endpoint.region().id())
        .credentials(AwsCredentials.basic("testkit", "testkit"))
        .clientProperty("cborEnabled", "false")
        .options(extra);
  }

  /**
   * An asynchronous client set up as the source sets up its own (SdkKinesisProxy): Netty with 2
   * event-loop threads, no SDK retries, futures completed on the I/O thread; {@code http} adds to
   * the Netty client (e.g. its protocol).
   */
  static KinesisAsyncClient asyncClient(
      KinesisEndpoint endpoint, UnaryOperator<NettyNioAsyncHttpClient.Builder> http) {
    return KinesisAsyncClient.builder()
        .httpClient(
            http.apply(
                    NettyNioAsyncHttpClient.builder()
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(2)))
                .build())
        .asyncConfiguration(
            a ->
                a.advancedOption(
                    SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .endpointOverride(endpoint.endpoint())
        .region(endpoint.region())
        .credentialsProvider(endpoint.credentials())
        .build();
  }

  /** One line about the machine, for every report. */
  static String machine() {
    return String.format(
        Locale.ROOT,
        "%d cores, load average %.2f, %s %s, max heap %d MiB",
        Runtime.getRuntime().availableProcessors(),
        CpuSample.loadAverage(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
  }

  /** Polls {@code condition} every millisecond; false if {@code timeout} passed first. */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  static Path tempDirectory() throws Exception {
    return Files.createTempDirectory("shardline-kbench-");
  }

  static void deleteRecursively(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Runs {@code main} in a fresh JVM ({@code jvmOptions}, this JVM's class path) with {@code args},
   * so it inherits no compiled code or warmed-up state from this one; its standard output is copied
   * to ours line by line and handed to {@code lines}, its standard error goes to ours. Throws when
   * it exits with anything but 0. The environment variable {@code CHILD_JAVA_OPTS} adds JVM options
   * (split at spaces) to every child, e.g. {@code
   * -XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile} (a directory: a file per JVM).
   */
  public static void runChild(
      Class<?> main, List<String> jvmOptions, List<String> args, Consumer<String> lines)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    String extra = System.getenv("CHILD_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    Process child =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        System.out.println(line);
        lines.accept(line);
      }
    } finally {
      if (child.waitFor() != 0) {
        throw new IllegalStateException(
            "The measuring JVM (" + String.join(" ", args) + ") exited with " + child.exitValue());
      }
    }
  }

  /** The parent's local server, by its endpoint, in a child JVM: it hands out no clients. */
  record ParentEndpoint(URI endpoint) implements KinesisEndpoint {
    @Override
    public Region region() {
      return Region.US_EAST_1;
    }

    @Override
    public AwsCredentialsProvider credentials() {
      return KinesisClients.dummyCredentials();
    }

    @Override
    public KinesisClient client() {
      throw new UnsupportedOperationException();
    }

    @Override
    public KinesisAsyncClient asyncClient() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
