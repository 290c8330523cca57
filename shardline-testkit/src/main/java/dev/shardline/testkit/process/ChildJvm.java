package dev.shardline.testkit.process;

import dev.shardline.testkit.process.internal.ChildJvmMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a main class in a new JVM with this JVM's classpath, as a {@link ChildProcess}: for tests
 * that crash a pipeline (SIGKILL), restart it from its checkpoint, and check what it wrote.
 *
 * <pre>{@code
 * try (ChildProcess child =
 *     ChildJvm.builder(PipelineMain.class)
 *         .arguments(checkpoints.toString(), output.toString())
 *         .logFile(dir.resolve("run-1.log"))
 *         .start()) {
 *   child.await("a checkpoint", Duration.ofSeconds(30), () -> newestCheckpoint() > 0);
 *   child.kill();
 * }
 * }</pre>
 *
 * <p>The command is {@code <java.home>/bin/java <JVM options> -cp <classpath> ChildJvmMain <main
 * class> <arguments>}: {@code ChildJvmMain}, of the testkit, starts a thread that halts the child
 * as soon as its standard input ends (the JVM that started it is gone, see {@link ChildProcess}),
 * then calls the main class's {@code main}. So the testkit must be on the child's classpath (it is
 * on the test classpath), and the main class must not read standard input.
 */
public final class ChildJvm {
  /**
   * The default JVM options: small and quick to start (one serial GC, C1 only: a test child never
   * runs long enough to profit from C2, class data sharing), as every kill test used.
   */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private ChildJvm() {}

  /** A builder for a JVM that runs {@code mainClass}'s {@code main} (any visibility). */
  public static Builder builder(Class<?> mainClass) {
    return new Builder(mainClass);
  }

  /** Options of a child JVM; not thread-safe. */
  public static final class Builder {
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);
    private final List<String> arguments = new ArrayList<>();
    private final ChildProcess.Builder process;
    private String classpath = System.getProperty("java.class.path");

    private Builder(Class<?> mainClass) {
      this.mainClass = mainClass.getName();
      this.process = ChildProcess.builder("java").name(mainClass.getSimpleName());
    }

    /** Replaces the JVM options; default {@link #DEFAULT_JVM_OPTIONS}. */
    public Builder jvmOptions(List<String> options) {
      jvmOptions.clear();
      jvmOptions.addAll(options);
      return this;
    }

    /** Adds JVM options after those set so far (a later {@code -Xmx} or {@code -D} wins). */
    public Builder addJvmOptions(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /** Adds a {@code -Dkey=value} JVM option. */
    public Builder systemProperty(String key, String value) {
      return addJvmOptions("-D" + key + "=" + value);
    }

    /** The main class's arguments (replacing any set before); default none. */
    public Builder arguments(String... arguments) {
      this.arguments.clear();
      this.arguments.addAll(List.of(arguments));
      return this;
    }

    /** The main class's arguments (replacing any set before); default none. */
    public Builder arguments(List<String> arguments) {
      return arguments(arguments.toArray(new String[0]));
    }

    /** The child's classpath; default this JVM's ({@code java.class.path}). */
    public Builder classpath(String classpath) {
      this.classpath = Objects.requireNonNull(classpath, "classpath cannot be null");
      return this;
    }

    /** As {@link ChildProcess.Builder#name(String)}; default the main class's simple name. */
    public Builder name(String name) {
      process.name(name);
      return this;
    }

    /** As {@link ChildProcess.Builder#directory(Path)}; default this JVM's working directory. */
    public Builder directory(Path directory) {
      process.directory(directory);
      return this;
    }

    /** As {@link ChildProcess.Builder#environment(String, String)}; default this JVM's. */
    public Builder environment(String key, String value) {
      process.environment(key, value);
      return this;
    }

    /** As {@link ChildProcess.Builder#logFile(Path)}; default a temp file. */
    public Builder logFile(Path logFile) {
      process.logFile(logFile);
      return this;
    }

    /** The command line {@link #start()} runs. */
    public List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classpath);
      command.add(ChildJvmMain.class.getName());
      command.add(mainClass);
      command.addAll(arguments);
      return command;
    }

    /**
     * Starts the JVM and returns at once.
     *
     * @throws java.io.UncheckedIOException if it cannot be started
     */
    public ChildProcess start() {
      return process.command(command()).start();
    }
  }
}
