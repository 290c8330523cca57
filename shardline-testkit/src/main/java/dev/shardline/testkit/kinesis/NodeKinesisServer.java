package dev.shardline.testkit.kinesis;

import dev.shardline.testkit.internal.Await;
import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.internal.NodeJs;
import dev.shardline.testkit.internal.NodePreload;
import dev.shardline.testkit.internal.NpmInstaller;
import dev.shardline.testkit.internal.NpmPackage;
import dev.shardline.testkit.internal.ServerProcess;
import dev.shardline.testkit.internal.TestkitCache;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A Kinesis server from npm running as a node child process on 127.0.0.1, with the clients handed
 * out for it: what {@link LocalKinesis} and {@link LocalKinesalite} share. Thread-safe.
 */
final class NodeKinesisServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeKinesisServer.class);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration STREAM_WAIT = Duration.ofSeconds(60);

  /**
   * How to launch one server.
   *
   * @param name what the server is, for logs and errors
   * @param npmPackage the pinned package to install and run
   * @param script the script to run, relative to the package folder
   * @param portCount how many free ports the server needs; the first serves {@link #endpoint()}
   * @param arguments the script's arguments, given the ports
   * @param environment environment variables to set, given the ports
   * @param clearedEnvironment inherited environment variables the server reads, removed so the test
   *     JVM's environment cannot change the server's behaviour
   * @param region the region clients sign for
   * @param cbor whether clients speak CBOR (else JSON)
   * @param startTimeout how long the start may take, install excluded
   * @param portPicker where the free ports come from ({@link FreePorts#pick}; tests pass others)
   */
  record Launch(
      String name,
      NpmPackage npmPackage,
      String script,
      int portCount,
      Function<List<Integer>, List<String>> arguments,
      Function<List<Integer>, Map<String, String>> environment,
      Set<String> clearedEnvironment,
      Region region,
      boolean cbor,
      Duration startTimeout,
      IntSupplier portPicker) {}

  /** How a start attempt ended. */
  private enum Attempt {
    READY,
    PORT_TAKEN,
    EXITED
  }

  private final Launch launch;
  private final ServerProcess process;
  private final List<Integer> ports;
  private final URI endpoint;
  private final KinesisClient client;
  private KinesisAsyncClient asyncClient;
  private KinesisAsyncClient http2AsyncClient;
  private boolean closed;

  private NodeKinesisServer(
      Launch launch, ServerProcess process, List<Integer> ports, KinesisClient client) {
    this.launch = launch;
    this.process = process;
    this.ports = List.copyOf(ports);
    this.endpoint = httpUri("http", ports.get(0));
    this.client = client;
  }

  /**
   * Installs the package if needed, starts the server on free ports and waits until its own process
   * reports listening on every one of them (see {@link NodePreload.Listens}), answers {@code
   * ListStreams}, and is still alive. A start in which a listen failed (a port taken in the
   * meantime) is retried with new ports. On failure nothing is left running and the error carries
   * the server's log tail.
   */
  static NodeKinesisServer start(Launch launch) {
    NodeJs.requireNode();
    Path packageFolder = NpmInstaller.usingDefaults().install(launch.npmPackage());
    Path preload = NodePreload.install(TestkitCache.root());
    for (int attempt = 1; ; attempt++) {
      List<Integer> ports = freePorts(launch.portPicker(), launch.portCount());
      ProcessBuilder command =
          new ProcessBuilder(
                  NodeJs.command(preload, launch.script(), launch.arguments().apply(ports)))
              .directory(packageFolder.toFile());
      Map<String, String> environment = command.environment();
      environment.keySet().removeAll(launch.clearedEnvironment());
      environment.putAll(launch.environment().apply(ports));
      ServerProcess process = ServerProcess.start(launch.name(), command);
      URI endpoint = httpUri("http", ports.get(0));
      KinesisClient client = null;
      Attempt outcome;
      try {
        client =
            KinesisClients.sync(
                endpoint, launch.region(), KinesisClients.dummyCredentials(), launch.cbor());
        outcome = awaitReady(launch, process, client, ports);
      } catch (RuntimeException e) {
        closeQuietly(client);
        process.markFailed();
        process.close();
        throw startFailure(launch, process, e.getMessage(), e);
      }
      if (outcome == Attempt.READY) {
        LOG.info(
            "Started {} on {} (pid {}, log {})",
            launch.name(),
            endpoint,
            process.pid(),
            process.logFile());
        return new NodeKinesisServer(launch, process, ports, client);
      }
      closeQuietly(client);
      List<String> listenErrors = listens(process).errors();
      if (outcome == Attempt.PORT_TAKEN && attempt < START_ATTEMPTS) {
        process.close(); // a port taken meanwhile is no failure to diagnose: its log goes
        LOG.info(
            "{} could not listen on one of the ports {} ({}): starting again with new ports",
            launch.name(),
            ports,
            listenErrors);
        continue;
      }
      process.markFailed();
      process.close();
      throw startFailure(
          launch,
          process,
          outcome == Attempt.PORT_TAKEN
              ? "it could not listen on one of the ports " + ports + " " + listenErrors
              : "it exited while starting",
          null);
    }
  }

  /**
   * {@link #start(Launch)}, then {@code initialStreams} (which makes the server's initial streams
   * and waits until they are ACTIVE). If that fails, the server is closed, its log kept, and the
   * error carries the log's tail.
   */
  static NodeKinesisServer start(Launch launch, Consumer<NodeKinesisServer> initialStreams) {
    NodeKinesisServer server = start(launch);
    try {
      initialStreams.accept(server);
      return server;
    } catch (RuntimeException e) {
      throw server.closeFailed("its initial streams did not become ACTIVE: " + e.getMessage(), e);
    }
  }

  private static IllegalStateException startFailure(
      Launch launch, ServerProcess process, String reason, Throwable cause) {
    return new IllegalStateException(
        "Cannot start "
            + launch.name()
            + ": "
            + reason
            + "; its log ("
            + process.logFile()
            + ") ends with:"
            + System.lineSeparator()
            + process.logTail(LOG_TAIL_LINES),
        cause);
  }

  /**
   * Waits until the process reports listening on all {@code ports}, answers {@code ListStreams}
   * (only then asked: an answer on a port the process does not hold would be someone else's), and
   * is alive; or until a listen fails, or the process dies. Throws on timeout.
   */
  private static Attempt awaitReady(
      Launch launch, ServerProcess process, KinesisClient client, List<Integer> ports) {
    Await.until(
        launch.name() + " to listen on ports " + ports + " and answer ListStreams",
        launch.startTimeout(),
        POLL,
        () -> {
          if (!process.isAlive()) {
            return true;
          }
          NodePreload.Listens listens = listens(process);
          return !listens.errors().isEmpty()
              || (listens.ports().containsAll(ports) && client.listStreams() != null);
        });
    if (!listens(process).errors().isEmpty()) {
      return Attempt.PORT_TAKEN;
    }
    return process.isAlive() ? Attempt.READY : Attempt.EXITED;
  }

  private static NodePreload.Listens listens(ServerProcess process) {
    return NodePreload.Listens.in(process.logLines(), process.pid());
  }

  private static List<Integer> freePorts(IntSupplier picker, int count) {
    Set<Integer> ports = new HashSet<>();
    List<Integer> ordered = new ArrayList<>();
    while (ordered.size() < count) {
      int port = picker.getAsInt();
      if (ports.add(port)) {
        ordered.add(port);
      }
    }
    return ordered;
  }

  static URI httpUri(String scheme, int port) {
    return URI.create(scheme + "://127.0.0.1:" + port);
  }

  URI endpoint() {
    return endpoint;
  }

  /** The server's output: deleted by {@link #close()}, kept if the server failed. */
  Path logFile() {
    return process.logFile();
  }

  /**
   * Closes the server after a failure once it answered (e.g. an initial stream never became
   * ACTIVE), keeping its log, and returns the error to throw, carrying the log's tail.
   */
  private IllegalStateException closeFailed(String what, Throwable cause) {
    process.markFailed();
    close();
    return startFailure(launch, process, what, cause);
  }

  List<Integer> ports() {
    return ports;
  }

  Region region() {
    return launch.region();
  }

  AwsCredentialsProvider credentials() {
    return KinesisClients.dummyCredentials();
  }

  boolean cbor() {
    return launch.cbor();
  }

  KinesisClient client() {
    requireOpen();
    return client;
  }

  synchronized KinesisAsyncClient asyncClient() {
    requireOpen();
    if (asyncClient == null) {
      asyncClient = KinesisClients.async(endpoint, region(), credentials(), cbor());
    }
    return asyncClient;
  }

  /** A shared HTTP/2 async client of {@code http2Endpoint}, made on first use. */
  synchronized KinesisAsyncClient http2AsyncClient(URI http2Endpoint) {
    requireOpen();
    if (http2AsyncClient == null) {
      http2AsyncClient = KinesisClients.asyncHttp2(http2Endpoint, region(), credentials(), cbor());
    }
    return http2AsyncClient;
  }

  void createStream(String name, int shards) {
    requireStreamName(name);
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, but was " + shards);
    }
    client().createStream(b -> b.streamName(name).shardCount(shards));
    waitForActive(name, false);
  }

  /**
   * Waits until {@code name} is ACTIVE.
   *
   * @param mayNotExistYet whether a missing stream means "not yet" (streams the server creates
   *     itself at start) rather than an error
   */
  void waitForActive(String name, boolean mayNotExistYet) {
    requireStreamName(name);
    ResourceNotFoundException[] missing = new ResourceNotFoundException[1];
    Await.until(
        "stream " + name + " on " + launch.name() + " to become ACTIVE",
        STREAM_WAIT,
        POLL,
        () -> {
          try {
            return client()
                    .describeStreamSummary(b -> b.streamName(name))
                    .streamDescriptionSummary()
                    .streamStatus()
                == StreamStatus.ACTIVE;
          } catch (ResourceNotFoundException e) {
            if (mayNotExistYet) {
              return false;
            }
            missing[0] = e;
            return true;
          }
        });
    if (missing[0] != null) {
      throw new IllegalStateException(
          "Stream " + name + " does not exist on " + launch.name() + " (" + endpoint + ")",
          missing[0]);
    }
  }

  /** Stops the server and closes the clients; idempotent. */
  @Override
  public void close() {
    List<AutoCloseable> clients = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      clients.add(client);
      if (asyncClient != null) {
        clients.add(asyncClient);
      }
      if (http2AsyncClient != null) {
        clients.add(http2AsyncClient);
      }
    }
    clients.forEach(NodeKinesisServer::closeQuietly);
    process.close();
    LOG.info("Stopped {} on {}", launch.name(), endpoint);
  }

  private synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException(launch.name() + " on " + endpoint + " is closed");
    }
  }

  @Override
  public String toString() {
    return launch.name() + " on " + endpoint + " (pid " + process.pid() + ")";
  }

  static void requireStreamName(String name) {
    if (name == null || !name.matches("[a-zA-Z0-9_.-]{1,128}")) {
      throw new IllegalArgumentException(
          "A stream name is 1 to 128 characters of a-z, A-Z, 0-9, '_', '.' and '-', but was "
              + (name == null ? "null" : "'" + name + "'"));
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("Ignoring an error closing {}", closeable, e);
    }
  }
}
