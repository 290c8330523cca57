package dev.shardline.testkit.junit;

import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that starts one server per test class and always stops it, even when tests or
 * the start itself fail. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalKinesisExtension KINESIS = new LocalKinesisExtension();
 *
 * @Test
 * void roundTrip() {
 *   KinesisClient client = KINESIS.get().client();
 * }
 * }</pre>
 *
 * <p>Test methods and constructors may also take the server as a parameter of type {@code T}.
 * Subclasses only say how to start the server. Not thread-safe: JUnit calls it from one thread.
 *
 * @param <T> the server type
 */
public class ServerExtension<T extends AutoCloseable>
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private final Class<T> type;
  private final Supplier<? extends T> starter;
  private T server;

  /**
   * @param type the server type, for parameter injection
   * @param starter starts the server and returns it ready; it must stop whatever it started if it
   *     fails
   */
  public ServerExtension(Class<T> type, Supplier<? extends T> starter) {
    this.type = Objects.requireNonNull(type, "type cannot be null");
    this.starter = Objects.requireNonNull(starter, "starter cannot be null");
  }

  /** The running server. */
  public T get() {
    if (server == null) {
      throw new IllegalStateException(
          type.getSimpleName()
              + " is not running: register the extension on a static field with"
              + " @RegisterExtension, and use it from test methods");
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = starter.get();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    T running = server;
    server = null;
    if (running != null) {
      running.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == type;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return get();
  }
}
