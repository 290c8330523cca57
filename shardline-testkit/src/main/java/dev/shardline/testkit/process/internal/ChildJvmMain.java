package dev.shardline.testkit.process.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The main class of every {@link dev.shardline.testkit.process.ChildJvm}: starts the {@link
 * Lifeline}, then runs the real main class, named by the first argument, with the other arguments.
 * An exception of the real main method ends this JVM as it would have without this wrapper (stack
 * trace on standard error, exit code 1 once the non-daemon threads are done).
 */
public final class ChildJvmMain {
  private ChildJvmMain() {}

  /**
   * @param args the main class's name, then its arguments
   */
  public static void main(String[] args) throws Throwable {
    Lifeline.watchStdin("child JVM (" + args[0] + ")");
    Method main =
        Class.forName(args[0], true, ClassLoader.getSystemClassLoader())
            .getDeclaredMethod("main", String[].class);
    main.setAccessible(true); // a package-private test main is fine too
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
