package dev.shardline.testkit.flink;

import dev.shardline.testkit.flink.internal.ClusterConfig;
import dev.shardline.testkit.flink.internal.FlinkClasspath;
import dev.shardline.testkit.internal.FreePorts;
import dev.shardline.testkit.internal.Loopback;
import dev.shardline.testkit.kafka.internal.Directories;
import dev.shardline.testkit.process.ChildJvm;
import dev.shardline.testkit.process.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;
import org.apache.flink.runtime.rest.messages.taskmanager.TaskManagerInfo;
import org.apache.flink.runtime.rest.messages.taskmanager.TaskManagersHeaders;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real standalone Apache Flink session cluster on 127.0.0.1, for integration tests: a JobManager
 * JVM ({@code StandaloneSessionClusterEntrypoint}) and TaskManager JVMs ({@code
 * TaskManagerRunner}), each a {@link ChildJvm} run from the Flink jars of the test classpath (no
 * Flink distribution needed), with a generated {@code config.yaml}. Jobs are submitted over REST
 * with their user code in jars, as to any Flink cluster; TaskManagers can be killed (SIGKILL) and
 * new ones started while a job runs.
 *
 * <pre>{@code
 * try (LocalFlinkCluster cluster = LocalFlinkCluster.builder().taskManagers(2).start()) {
 *   StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
 *   env.fromSequence(1, 1000).map(new MyMap()).sinkTo(new MySink());
 *   JobID job = cluster.submit(env, "my job", JobJars.containing(MyMap.class, MySink.class));
 *   cluster.awaitAllTasksRunning(job, Duration.ofSeconds(60));
 *   cluster.killTaskManager(0);        // SIGKILL: the job fails over
 *   cluster.startTaskManager();        // a replacement registers
 *   cluster.awaitJobStatus(job, JobStatus.FINISHED, Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * <p><b>Classpath.</b> The cluster JVMs get Flink's own jars of the test classpath only (Flink, the
 * libraries its runtime needs, SLF4J and Log4j: see {@code FlinkClasspath}), plus the testkit's
 * code. Everything else a job needs, Shardline's modules and their libraries included, must come in
 * the jars given to {@link #submit}: see {@link JobJars}. So the module that starts a cluster
 * depends on {@code flink-runtime}, {@code flink-clients} and {@code flink-streaming-java} itself
 * ({@code provided} or {@code test}): the testkit has them as {@code provided} only.
 *
 * <p><b>Defaults</b> (see {@link Builder}): 2 TaskManagers with 2 slots each; a heartbeat timeout
 * of 5 s (interval 1 s), so the JobManager notices a killed TaskManager within about 5 s; about 600
 * MB a process (JobManager heap 256 MB; TaskManager task heap 192 MB, managed 32 MB, network 32
 * MB); tasks spread evenly over the TaskManagers ({@code taskmanager.load-balance.mode: SLOTS}), so
 * that killing any TaskManager hits a job that uses as many slots as there are TaskManagers;
 * checkpoints and savepoints under a temp directory; restart strategy left to the job; JVMs with
 * SerialGC and the C1 compiler only; Flink's logging at INFO into one file per JVM. Every address
 * is 127.0.0.1: the JobManager's RPC and REST ports are free ports picked at start (a start whose
 * ports were taken meanwhile is retried on new ones, 3 attempts), every other port is ephemeral.
 * Start-up takes about 5 to 10 s on a 2-core machine.
 *
 * <p><b>Never left running.</b> {@link #close()} kills every JVM of the cluster and deletes its
 * directory (logs kept if the start failed or a TaskManager did not register; a job that fails is
 * the test's business, and every wait for a job puts the JobManager's log tail and the job's
 * failure cause in its message); a JVM shutdown hook and each child's lifeline (see {@link
 * ChildProcess}) cover a test JVM that exits or is killed without closing.
 *
 * <p>Thread-safe: lifecycle methods are serialized.
 */
public final class LocalFlinkCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);
  private static final int START_ATTEMPTS = 3;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** JVM options of every cluster JVM before the memory options: small and quick to start. */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private final Builder options;
  private final Path root;
  private final Path checkpointDirectory;
  private final ClusterConfig config;
  private final String classpath;
  private final List<TaskManager> taskManagers = new ArrayList<>();
  private ChildProcess jobManager;
  private volatile RestClusterClient<String> client;
  private Duration startTime;
  private volatile boolean failed;
  private boolean closed;

  private record TaskManager(int index, String resourceId, ChildProcess process) {}

  private LocalFlinkCluster(
      Builder options,
      Path root,
      Path checkpointDirectory,
      ClusterConfig config,
      String classpath) {
    this.options = options;
    this.root = root;
    this.checkpointDirectory = checkpointDirectory;
    this.config = config;
    this.classpath = classpath;
  }

  /** Options for a new cluster; {@link Builder#start()} starts it. */
  public static Builder builder() {
    return new Builder();
  }

  private static LocalFlinkCluster launch(Builder options) {
    long startNanos = System.nanoTime();
    String classpath = FlinkClasspath.forCluster();
    Path root;
    try {
      root = Files.createTempDirectory("shardline-flink-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory for the Flink cluster", e);
    }
    Path checkpoints = options.checkpointDirectory != null ? options.checkpointDirectory : root;
    for (int attempt = 1; ; attempt++) {
      int rpcPort = FreePorts.pick();
      int restPort = FreePorts.pick();
      while (restPort == rpcPort) {
        restPort = FreePorts.pick();
      }
      ClusterConfig config;
      try {
        config =
            ClusterConfig.create(
                root,
                checkpoints,
                rpcPort,
                restPort,
                options.slotsPerTaskManager,
                options.heartbeatTimeout,
                options.flinkConfig);
        config.write();
      } catch (RuntimeException e) { // a bad flinkConfig entry (a memory size, say)
        Directories.deleteRecursively(root);
        throw e;
      }
      LocalFlinkCluster cluster =
          new LocalFlinkCluster(options, root, checkpoints, config, classpath);
      try {
        cluster.startAll(System.nanoTime() + options.startTimeout.toNanos());
        cluster.startTime = Duration.ofNanos(System.nanoTime() - startNanos);
        LOG.info("{} ready in {} ms", cluster, cluster.startTime.toMillis());
        return cluster;
      } catch (RuntimeException | Error e) {
        boolean portTaken = cluster.jobManagerFailedToBind();
        if (portTaken && attempt < START_ATTEMPTS) {
          cluster.stopChildren();
          LOG.info("Flink ports {} and {} were taken; retrying on new ports", rpcPort, restPort);
          continue;
        }
        cluster.failed = true;
        try {
          cluster.close();
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }
  }

  private synchronized void startAll(long deadlineNanos) {
    jobManager = startJobManager();
    List<TaskManager> started = new ArrayList<>();
    for (int i = 0; i < options.taskManagers; i++) {
      started.add(launchTaskManager());
    }
    awaitOnJobManager(
        "the JobManager's REST endpoint on " + restAddress(),
        deadlineNanos,
        () -> Loopback.accepts(restPort(), Duration.ofMillis(200)));
    client = newClient();
    for (TaskManager taskManager : started) {
      awaitRegistered(taskManager, deadlineNanos);
    }
  }

  private ChildProcess startJobManager() {
    List<String> arguments = new ArrayList<>(List.of("--configDir", config.confDir().toString()));
    arguments.addAll(config.jobManagerDynamicProperties());
    return childJvm(StandaloneSessionClusterEntrypoint.class, "flink-jobmanager", "jobmanager")
        .addJvmOptions(config.jobManagerJvmOptions().toArray(new String[0]))
        .addJvmOptions(options.jvmOptions.toArray(new String[0]))
        .arguments(arguments)
        .start();
  }

  private TaskManager launchTaskManager() {
    int index = taskManagers.size();
    String resourceId = "taskmanager-" + index;
    List<String> arguments = new ArrayList<>(List.of("--configDir", config.confDir().toString()));
    arguments.addAll(config.taskManagerDynamicProperties());
    arguments.addAll(List.of("-D", "taskmanager.resource-id=" + resourceId));
    ChildProcess process =
        childJvm(TaskManagerRunner.class, "flink-" + resourceId, resourceId)
            .addJvmOptions(config.taskManagerJvmOptions().toArray(new String[0]))
            .addJvmOptions(options.jvmOptions.toArray(new String[0]))
            .arguments(arguments)
            .start();
    TaskManager taskManager = new TaskManager(index, resourceId, process);
    taskManagers.add(taskManager);
    return taskManager;
  }

  private ChildJvm.Builder childJvm(Class<?> mainClass, String name, String logName) {
    Path logDir = root.resolve("log");
    Path log4jConfig = config.confDir().resolve("log4j2.properties");
    try {
      Files.createDirectories(logDir);
      Files.writeString(log4jConfig, log4jConfig(options.logLevel), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write into " + root, e);
    }
    Path logFile = logDir.resolve(logName + ".log");
    ChildJvm.Builder jvm =
        ChildJvm.builder(mainClass)
            .name(name)
            .classpath(classpath)
            .jvmOptions(DEFAULT_JVM_OPTIONS)
            .addJvmOptions(ClusterConfig.javaOptions().toArray(new String[0]))
            .systemProperty("log.file", logFile.toString())
            .systemProperty("log4j2.configurationFile", log4jConfig.toString())
            .systemProperty("org.slf4j.simpleLogger.defaultLogLevel", options.logLevel)
            .systemProperty("org.slf4j.simpleLogger.showDateTime", "true")
            .systemProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS")
            .environment("FLINK_CONF_DIR", config.confDir().toString())
            .environment("FLINK_LOG_DIR", logDir.toString())
            .environment("FLINK_PLUGINS_DIR", config.pluginsDir().toString())
            .directory(root)
            .logFile(logFile);
    return jvm;
  }

  private static String log4jConfig(String level) {
    return String.join(
        "\n",
        "rootLogger.level = " + level.toUpperCase(java.util.Locale.ROOT),
        "rootLogger.appenderRef.console.ref = console",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
        "");
  }

  private RestClusterClient<String> newClient() {
    Configuration clientConfig = new Configuration();
    clientConfig.setString("rest.address", "127.0.0.1");
    clientConfig.setString("rest.port", String.valueOf(restPort()));
    clientConfig.setString("jobmanager.rpc.address", "127.0.0.1");
    clientConfig.setString("rest.retry.max-attempts", "3");
    clientConfig.setString("rest.retry.delay", "200 ms");
    try {
      return new RestClusterClient<>(clientConfig, "shardline-local-flink");
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create a REST client for " + restAddress(), e);
    }
  }

  private boolean jobManagerFailedToBind() {
    if (jobManager == null) {
      return false;
    }
    String tail = jobManager.logTail(400);
    return tail.contains("Address already in use") || tail.contains("BindException");
  }

  /** {@code 127.0.0.1:<port>} of the JobManager's REST endpoint (and web UI). */
  public String restAddress() {
    return "127.0.0.1:" + restPort();
  }

  /** The JobManager's REST port on 127.0.0.1. */
  public int restPort() {
    return Integer.parseInt(config.settings().get("rest.port"));
  }

  /** The JobManager's RPC port on 127.0.0.1. */
  public int rpcPort() {
    return Integer.parseInt(config.settings().get("jobmanager.rpc.port"));
  }

  /** The cluster's full Flink configuration ({@code conf/config.yaml}), defaults included. */
  public Map<String, String> flinkConfig() {
    return config.settings();
  }

  /** The cluster's directory: {@code conf/}, {@code log/}, {@code tmp/}; deleted by close. */
  public Path directory() {
    return root;
  }

  /** Where checkpoints ({@code checkpoints/}) and savepoints ({@code savepoints/}) go. */
  public Path checkpointDirectory() {
    return checkpointDirectory;
  }

  /** How long the start took, until every TaskManager had registered. */
  public Duration startTime() {
    return startTime;
  }

  /** The JobManager's log (its stdout and stderr). */
  public Path jobManagerLog() {
    return jobManager.logFile();
  }

  /** The log of TaskManager {@code index} (0-based, in start order, killed ones included). */
  public synchronized Path taskManagerLog(int index) {
    return taskManager(index).process().logFile();
  }

  /** How many TaskManagers were started so far, killed ones included (the next index). */
  public synchronized int taskManagersStarted() {
    return taskManagers.size();
  }

  /** Whether TaskManager {@code index} runs. */
  public synchronized boolean isTaskManagerAlive(int index) {
    return taskManager(index).process().isAlive();
  }

  /**
   * The process ids of the JobManager and of every TaskManager started (killed ones included), for
   * tests that check none is left after {@link #close()}.
   */
  public synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    if (jobManager != null) {
      pids.add(jobManager.pid());
    }
    taskManagers.forEach(t -> pids.add(t.process().pid()));
    return pids;
  }

  /**
   * The resource ids ({@code taskmanager-<index>}) of the TaskManagers the JobManager has
   * registered now ({@code GET /taskmanagers}). A killed TaskManager stays in it until the
   * JobManager misses its heartbeats (the heartbeat timeout).
   */
  public Set<String> registeredTaskManagers() {
    try {
      return await(
              client()
                  .sendRequest(
                      TaskManagersHeaders.getInstance(),
                      EmptyMessageParameters.getInstance(),
                      EmptyRequestBody.getInstance()),
              "GET /taskmanagers")
          .getTaskManagerInfos()
          .stream()
          .map(TaskManagerInfo::getResourceId)
          .map(Object::toString)
          .collect(Collectors.toUnmodifiableSet());
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  /**
   * SIGKILL to TaskManager {@code index}, as a crashed machine; returns once the process is gone.
   * Its tasks fail when the JobManager notices (its heartbeat timeout, or at once if a task's
   * network connection to it breaks); the job then restarts as its restart strategy says.
   */
  public synchronized void killTaskManager(int index) throws InterruptedException {
    requireOpen();
    TaskManager taskManager = taskManager(index);
    taskManager.process().kill();
    LOG.info("Killed TaskManager {} ({})", index, taskManager.process());
  }

  /**
   * Starts a new TaskManager and returns its index once the JobManager has registered it.
   *
   * @throws AssertionError with its log tail if it does not register within the start timeout
   */
  public synchronized int startTaskManager() {
    requireOpen();
    TaskManager taskManager = launchTaskManager();
    awaitRegistered(taskManager, System.nanoTime() + options.startTimeout.toNanos());
    return taskManager.index();
  }

  /**
   * Submits a job over REST: the environment's pipeline ({@code env.getStreamGraph()}, which clears
   * it) as a {@link JobGraph} with {@code jobJars} uploaded to the cluster's blob server.
   *
   * @param jobJars the jars of the job's user code (see {@link JobJars}); Flink's own are there
   * @return the job's id, once the JobManager has accepted it
   * @throws IllegalStateException if the cluster refuses it (with the JobManager's log tail)
   */
  public JobID submit(StreamExecutionEnvironment env, String jobName, List<Path> jobJars) {
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(Objects.requireNonNull(jobName, "jobName cannot be null"));
    return submit(graph, jobJars);
  }

  /**
   * As {@link #submit(StreamExecutionEnvironment, String, List)}, for a stream graph: its savepoint
   * restore settings ({@code graph.setSavepointRestoreSettings}) are kept, so a job can start from
   * a savepoint.
   */
  public JobID submit(StreamGraph graph, List<Path> jobJars) {
    requireOpen();
    JobGraph job = graph.getJobGraph(Thread.currentThread().getContextClassLoader(), null);
    for (Path jar : jobJars) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(
            jar
                + " is not a jar file: a job can only bring jars (JobJars.pack(directory) packs a"
                + " classes directory)");
      }
      job.addJar(new org.apache.flink.core.fs.Path(jar.toUri()));
    }
    try {
      JobID id = await(client().submitJob(job), "submit job " + graph.getJobName());
      LOG.info("Submitted job {} ({}) with jars {}", graph.getJobName(), id, jobJars);
      return id;
    } catch (Exception e) {
      throw new IllegalStateException(
          "The Flink cluster at "
              + restAddress()
              + " refused job "
              + graph.getJobName()
              + ": "
              + e.getMessage()
              + jobManagerTail(),
          e);
    }
  }

  /** The job's status now. */
  public JobStatus jobStatus(JobID job) {
    try {
      return await(client().getJobStatus(job), "status of job " + job);
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  /**
   * Waits until the job has {@code expected} status.
   *
   * @throws AssertionError if the job ends in another status first (with its failure cause and the
   *     JobManager's log tail), or {@code timeout} passes
   */
  public void awaitJobStatus(JobID job, JobStatus expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JobStatus status = null;
    while (true) {
      status = jobStatus(job);
      if (status == expected) {
        return;
      }
      if (status.isGloballyTerminalState()) {
        throw new AssertionError(
            "Job "
                + job
                + " ended "
                + status
                + ", not "
                + expected
                + failureCause(job)
                + jobManagerTail());
      }
      if (System.nanoTime() - deadline > 0) {
        failed = true;
        throw new AssertionError(
            "Job "
                + job
                + " still "
                + status
                + " after "
                + timeout
                + ", not "
                + expected
                + jobManagerTail());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Waits until every task (each subtask of each vertex) of the job is RUNNING: the job is past
   * scheduling and deployment, and a TaskManager killed now takes running tasks with it.
   *
   * @throws AssertionError if the job ends first or {@code timeout} passes
   */
  public void awaitAllTasksRunning(JobID job, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JobDetailsInfo details;
      try {
        details = await(client().getJobDetails(job), "details of job " + job);
      } catch (Exception e) {
        throw rethrow(e);
      }
      if (details.getJobStatus().isGloballyTerminalState()) {
        throw new AssertionError(
            "Job "
                + job
                + " ended "
                + details.getJobStatus()
                + " before all its tasks ran"
                + failureCause(job)
                + jobManagerTail());
      }
      boolean allRunning =
          !details.getJobVertexInfos().isEmpty()
              && details.getJobVertexInfos().stream()
                  .allMatch(
                      v ->
                          v.getTasksPerState().getOrDefault(ExecutionState.RUNNING, 0)
                              == v.getParallelism());
      if (allRunning) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "Not every task of job "
                + job
                + " RUNNING after "
                + timeout
                + ": "
                + details.getJobVerticesPerState()
                + jobManagerTail());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** Cancels the job; returns once the JobManager has accepted the request (not yet CANCELED). */
  public void cancel(JobID job) {
    try {
      await(client().cancel(job), "cancel job " + job);
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  /**
   * Stops the job with a savepoint (canonical format) in the cluster's savepoint directory and
   * returns its path once the job has stopped.
   */
  public String stopWithSavepoint(JobID job) {
    try {
      return await(
          client().stopWithSavepoint(job, false, null, SavepointFormatType.CANONICAL),
          "stop job " + job + " with a savepoint");
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  /**
   * Stops the cluster: closes the REST client, kills every TaskManager and the JobManager (SIGKILL:
   * nothing of a test cluster needs a graceful stop) and deletes the cluster's directory, unless a
   * start or a wait failed (then its logs stay, named in an INFO message). A checkpoint directory
   * given to the builder is left alone. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopChildren();
    if (failed) {
      LOG.info("Kept the directory of {} for diagnosis (logs under log/): {}", this, root);
    } else {
      Directories.deleteRecursively(root);
    }
  }

  private void stopChildren() {
    if (client != null) {
      client.close();
      client = null;
    }
    for (TaskManager taskManager : taskManagers) {
      taskManager.process().close();
    }
    taskManagers.clear();
    if (jobManager != null) {
      jobManager.close();
    }
  }

  private void awaitRegistered(TaskManager taskManager, long deadlineNanos) {
    awaitOnJobManager(
        taskManager.resourceId() + " to register with the JobManager",
        deadlineNanos,
        () -> {
          if (!taskManager.process().isAlive()) {
            failed = true;
            throw new AssertionError(
                taskManager.process()
                    + " exited before it registered; log "
                    + taskManager.process().logFile()
                    + ", last lines:\n"
                    + taskManager.process().logTail());
          }
          return registeredTaskManagers().contains(taskManager.resourceId());
        });
  }

  private void awaitOnJobManager(
      String what, long deadlineNanos, ChildProcess.Condition condition) {
    try {
      jobManager.await(
          what, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())), POLL, condition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + what, e);
    } catch (AssertionError | RuntimeException e) {
      failed = true;
      throw e;
    } catch (Exception e) {
      failed = true;
      throw new IllegalStateException("Failed waiting for " + what, e);
    }
  }

  private String failureCause(JobID job) {
    try {
      JobResult result = await(client().requestJobResult(job), "result of job " + job);
      return result
          .getSerializedThrowable()
          .map(t -> "; cause: " + t.getFullStringifiedStackTrace())
          .orElse("");
    } catch (Exception e) {
      return "; (its result could not be read: " + e + ")";
    }
  }

  private String jobManagerTail() {
    return "; JobManager log " + jobManager.logFile() + ", last lines:\n" + jobManager.logTail();
  }

  private RestClusterClient<String> client() {
    RestClusterClient<String> client = this.client;
    if (client == null) {
      throw new IllegalStateException(this + " is closed (or not started)");
    }
    return client;
  }

  private TaskManager taskManager(int index) {
    if (index < 0 || index >= taskManagers.size()) {
      throw new IllegalArgumentException(
          "No TaskManager " + index + ": " + taskManagers.size() + " were started (0-based)");
    }
    return taskManagers.get(index);
  }

  private synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
    try {
      return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new TimeoutException("No answer within " + REQUEST_TIMEOUT + " to: " + what);
    }
  }

  private static RuntimeException rethrow(Exception e) {
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException(e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "LocalFlinkCluster(REST "
        + restAddress()
        + ", "
        + taskManagers.size()
        + " TaskManagers)";
  }

  /** Options of a cluster; not thread-safe. */
  public static final class Builder {
    private int taskManagers = 2;
    private int slotsPerTaskManager = 2;
    private Duration heartbeatTimeout = Duration.ofSeconds(5);
    private Duration startTimeout = Duration.ofSeconds(90);
    private Path checkpointDirectory;
    private String logLevel = "info";
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> flinkConfig = new LinkedHashMap<>();

    private Builder() {}

    /** How many TaskManagers start with the cluster; default 2. */
    public Builder taskManagers(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("taskManagers must be at least 1, was " + count);
      }
      this.taskManagers = count;
      return this;
    }

    /** Task slots of each TaskManager ({@code taskmanager.numberOfTaskSlots}); default 2. */
    public Builder slotsPerTaskManager(int slots) {
      if (slots < 1) {
        throw new IllegalArgumentException("slotsPerTaskManager must be at least 1, was " + slots);
      }
      this.slotsPerTaskManager = slots;
      return this;
    }

    /**
     * {@code heartbeat.timeout}: how soon the JobManager gives up on a silent (killed) TaskManager;
     * the interval is a fifth of it (at least 100 ms). Default 5 s.
     */
    public Builder heartbeatTimeout(Duration timeout) {
      if (timeout.toMillis() < 500) {
        throw new IllegalArgumentException(
            "heartbeatTimeout must be at least 500 ms, was " + timeout);
      }
      this.heartbeatTimeout = timeout;
      return this;
    }

    /**
     * Where checkpoints ({@code checkpoints/}) and savepoints ({@code savepoints/}) go; kept after
     * close. Default a temp directory of the cluster, deleted by close.
     */
    public Builder checkpointDirectory(Path directory) {
      this.checkpointDirectory = directory.toAbsolutePath();
      return this;
    }

    /**
     * Adds (or replaces) a Flink configuration entry of {@code config.yaml}, applied after the
     * defaults (which it may override, memory sizes included); default none.
     */
    public Builder flinkConfig(String key, String value) {
      flinkConfig.put(
          Objects.requireNonNull(key, "key cannot be null"),
          Objects.requireNonNull(value, "value cannot be null"));
      return this;
    }

    /** JVM options added to every cluster JVM after the defaults (a later {@code -D} wins). */
    public Builder addJvmOptions(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /** The cluster JVMs' log level (SLF4J simple or Log4j), {@code info} by default. */
    public Builder logLevel(String level) {
      this.logLevel = Objects.requireNonNull(level, "level cannot be null");
      return this;
    }

    /** How long {@link #start()} waits for REST and every TaskManager; default 90 s. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout cannot be null");
      return this;
    }

    /**
     * Starts the JobManager and the TaskManagers; returns once REST answers and every TaskManager
     * has registered.
     *
     * @throws AssertionError or IllegalStateException with the log tail of the JVM that failed; the
     *     cluster is stopped then, its directory kept
     */
    public LocalFlinkCluster start() {
      return launch(this);
    }
  }
}
