package dev.shardline.testkit.flink.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * The Flink configuration of a local standalone cluster: every address 127.0.0.1, the two ports
 * clients need (JobManager RPC, REST) fixed, every other port ephemeral (0, bound on 127.0.0.1),
 * memory sized for a small test machine, heartbeats short enough that a killed TaskManager is
 * noticed in seconds. Written as {@code conf/config.yaml} (Flink 2's file; flat keys), and turned
 * into the JVM options and dynamic properties Flink's start scripts would compute. Immutable.
 */
public final class ClusterConfig {
  /** What the JDK 17 must open for Flink (its distribution's {@code env.java.default-opts.all}). */
  private static final List<String> JAVA_17_OPTIONS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private final Path confDir;
  private final Map<String, String> settings;
  private final List<String> jobManagerJvmOptions;
  private final List<String> jobManagerDynamicProperties;
  private final List<String> taskManagerJvmOptions;
  private final List<String> taskManagerDynamicProperties;

  private ClusterConfig(Path confDir, Map<String, String> settings) {
    this.confDir = confDir;
    this.settings = settings;
    // Computed once: Flink logs how it derived each size, and would repeat it at every call.
    Configuration flink = Configuration.fromMap(settings);
    JobManagerProcessSpec jobManager = JobManagerProcessUtils.processSpecFromConfig(flink);
    this.jobManagerJvmOptions =
        split(JobManagerProcessUtils.generateJvmParametersStr(jobManager, flink));
    this.jobManagerDynamicProperties =
        split(JobManagerProcessUtils.generateDynamicConfigsStr(jobManager));
    TaskExecutorProcessSpec taskManager = TaskExecutorProcessUtils.processSpecFromConfig(flink);
    this.taskManagerJvmOptions = split(ProcessMemoryUtils.generateJvmParametersStr(taskManager));
    this.taskManagerDynamicProperties =
        split(TaskExecutorProcessUtils.generateDynamicConfigsStr(taskManager));
  }

  /**
   * The defaults for a cluster under {@code root}, then {@code overrides} (which win).
   *
   * @param root the cluster's directory: {@code conf/}, {@code tmp/}, {@code work/} go there
   * @param checkpoints where checkpoints and savepoints go ({@code checkpoints/}, {@code
   *     savepoints/} under it)
   */
  public static ClusterConfig create(
      Path root,
      Path checkpoints,
      int rpcPort,
      int restPort,
      int slotsPerTaskManager,
      Duration heartbeatTimeout,
      Map<String, String> overrides) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("jobmanager.rpc.address", "127.0.0.1");
    settings.put("jobmanager.rpc.port", String.valueOf(rpcPort));
    settings.put("jobmanager.bind-host", "127.0.0.1");
    settings.put("rest.address", "127.0.0.1");
    settings.put("rest.bind-address", "127.0.0.1");
    settings.put("rest.port", String.valueOf(restPort));
    settings.put("blob.server.port", "0");
    settings.put("taskmanager.host", "127.0.0.1");
    settings.put("taskmanager.bind-host", "127.0.0.1");
    settings.put("taskmanager.rpc.port", "0");
    settings.put("taskmanager.data.port", "0");
    settings.put("metrics.internal.query-service.port", "0");
    settings.put("taskmanager.numberOfTaskSlots", String.valueOf(slotsPerTaskManager));
    settings.put("parallelism.default", "1");
    // Spread a job's tasks over the TaskManagers, so that killing any one hits the job.
    settings.put("taskmanager.load-balance.mode", "SLOTS");
    settings.put("heartbeat.interval", Math.max(100, heartbeatTimeout.toMillis() / 5) + " ms");
    settings.put("heartbeat.timeout", heartbeatTimeout.toMillis() + " ms");
    // A TaskManager started with the JobManager finds no ResourceManager at first: retry soon,
    // not after the default 10 s.
    settings.put("cluster.registration.error-delay", "500 ms");
    settings.put("cluster.registration.refused-registration-delay", "500 ms");
    // A job that cannot get its slots back (a killed TaskManager, none started) fails in time.
    settings.put("slot.request.timeout", "60 s");
    settings.put("resourcemanager.taskmanager-timeout", "10 s");
    settings.put(
        "execution.checkpointing.dir", checkpoints.resolve("checkpoints").toUri().toString());
    settings.put(
        "execution.checkpointing.savepoint-dir",
        checkpoints.resolve("savepoints").toUri().toString());
    settings.put("io.tmp.dirs", root.resolve("tmp").toString());
    settings.put("process.working-dir", root.resolve("work").toString());
    settings.put("web.upload.dir", root.resolve("upload").toString());
    // Memory: ~600 MB a process, so a cluster of three fits next to the servers on a small box.
    settings.put("jobmanager.memory.heap.size", "256m");
    settings.put("jobmanager.memory.off-heap.size", "64m");
    settings.put("jobmanager.memory.jvm-metaspace.size", "192m");
    settings.put("jobmanager.memory.jvm-overhead.min", "64m");
    settings.put("jobmanager.memory.jvm-overhead.max", "64m");
    settings.put("taskmanager.memory.framework.heap.size", "64m");
    settings.put("taskmanager.memory.task.heap.size", "192m");
    settings.put("taskmanager.memory.managed.size", "32m");
    settings.put("taskmanager.memory.framework.off-heap.size", "64m");
    settings.put("taskmanager.memory.task.off-heap.size", "0m");
    settings.put("taskmanager.memory.network.min", "32m");
    settings.put("taskmanager.memory.network.max", "32m");
    settings.put("taskmanager.memory.jvm-metaspace.size", "192m");
    settings.put("taskmanager.memory.jvm-overhead.min", "64m");
    settings.put("taskmanager.memory.jvm-overhead.max", "64m");
    settings.putAll(overrides);
    return new ClusterConfig(root.resolve("conf"), Map.copyOf(settings));
  }

  /** The JVM options Flink needs on Java 17 (module opens and exports). */
  public static List<String> javaOptions() {
    return JAVA_17_OPTIONS;
  }

  /** The directory holding {@code config.yaml}. */
  public Path confDir() {
    return confDir;
  }

  /** An empty plugins directory ({@code FLINK_PLUGINS_DIR}): the cluster loads no plugins. */
  public Path pluginsDir() {
    return confDir.resolveSibling("plugins");
  }

  /** Every setting, defaults and overrides. */
  public Map<String, String> settings() {
    return settings;
  }

  /** Writes {@code config.yaml} and creates the directories it names. */
  public void write() {
    StringBuilder yaml = new StringBuilder("# Written by shardline-testkit's LocalFlinkCluster\n");
    settings.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                yaml.append(e.getKey())
                    .append(": '")
                    .append(e.getValue().replace("'", "''"))
                    .append("'\n"));
    try {
      Files.createDirectories(confDir);
      for (String key : List.of("io.tmp.dirs", "process.working-dir", "web.upload.dir")) {
        Files.createDirectories(Path.of(settings.get(key)));
      }
      Files.createDirectories(pluginsDir());
      Files.writeString(confDir.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the Flink configuration into " + confDir, e);
    }
  }

  /** The JobManager's memory options ({@code -Xmx}, ...), as Flink's {@code jobmanager.sh} sets. */
  public List<String> jobManagerJvmOptions() {
    return jobManagerJvmOptions;
  }

  /** The JobManager's dynamic properties ({@code -D key=value} pairs) for its memory. */
  public List<String> jobManagerDynamicProperties() {
    return jobManagerDynamicProperties;
  }

  /** A TaskManager's memory options ({@code -Xmx}, ...), as Flink's {@code taskmanager.sh} sets. */
  public List<String> taskManagerJvmOptions() {
    return taskManagerJvmOptions;
  }

  /** A TaskManager's dynamic properties ({@code -D key=value} pairs) for its memory. */
  public List<String> taskManagerDynamicProperties() {
    return taskManagerDynamicProperties;
  }

  private static List<String> split(String arguments) {
    return List.copyOf(Arrays.asList(arguments.trim().split("\\s+")));
  }
}
