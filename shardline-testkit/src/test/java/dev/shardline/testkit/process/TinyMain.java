package dev.shardline.testkit.process;

import java.time.Duration;

/**
 * What {@link ChildJvmIT} runs in child JVMs. The first argument says what to do:
 *
 * <ul>
 *   <li>{@code echo <code> <args...>}: prints the arguments, the variable {@code TINY_ENV} and the
 *       property {@code tiny.property}, then exits with {@code code};
 *   <li>{@code sleep}: prints {@code ready}, then sleeps until killed; on SIGTERM its shutdown hook
 *       prints {@code hook ran};
 *   <li>{@code fail}: throws;
 *   <li>{@code parent}: starts a {@code sleep} child JVM of its own, prints {@code child <pid>},
 *       then sleeps until killed.
 * </ul>
 */
final class TinyMain {
  private TinyMain() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "echo" -> {
        for (int i = 2; i < args.length; i++) {
          System.out.println("arg " + args[i]);
        }
        System.out.println("env " + System.getenv("TINY_ENV"));
        System.err.println("property " + System.getProperty("tiny.property"));
        System.exit(Integer.parseInt(args[1]));
      }
      case "sleep" -> {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(() -> System.out.println("hook ran"), "tiny-hook"));
        System.out.println("ready");
        Thread.sleep(Duration.ofMinutes(10).toMillis());
      }
      case "fail" -> throw new IllegalStateException("tiny main fails on purpose");
      case "parent" -> {
        ChildProcess child = ChildJvm.builder(TinyMain.class).arguments("sleep").start();
        System.out.println("child " + child.pid());
        Thread.sleep(Duration.ofMinutes(10).toMillis());
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
