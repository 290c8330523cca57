package dev.shardline.testkit.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM that runs a main class of the test classpath. */
public final class JavaCommand {
  private JavaCommand() {}

  /** {@code java <jvmOptions> -cp <this JVM's classpath> <main> <arguments>}. */
  public static List<String> of(Class<?> main, List<String> jvmOptions, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xshare:auto");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(arguments));
    return command;
  }
}
