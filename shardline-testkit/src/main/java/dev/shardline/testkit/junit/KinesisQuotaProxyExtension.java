package dev.shardline.testkit.junit;

import dev.shardline.testkit.kinesis.LocalKinesis;
import dev.shardline.testkit.proxy.KinesisQuotaProxy;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts, once per test class, a {@link LocalKinesis} and a {@link
 * KinesisQuotaProxy} in front of it, and stops both after the class (the proxy owns the server).
 * Options for either pass through:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KinesisQuotaProxyExtension PROXY =
 *     new KinesisQuotaProxyExtension(
 *         kinesis -> kinesis.initialStream("orders", 2),
 *         proxy -> proxy.quotas(ShardQuotas.aws().withWriteRecordsPerSecond(100)));
 *
 * @Test
 * void writesAreThrottled() {
 *   PutRecordsResponse response = PROXY.get().client().putRecords(request);
 *   PROXY.kinesis().createStream("audit", 1); // straight to the server
 * }
 * }</pre>
 *
 * <p>The server and the proxy are shared by the tests of the class, but each test starts with a
 * fresh proxy: before each test, armed faults are cleared, every shard gets its full quota back
 * ({@link KinesisQuotaProxy#resetQuotas()}) and the counters are reset. Streams and their records
 * stay: use a stream per test.
 *
 * <p>Defaults: those of {@link LocalKinesis.Builder} and {@link KinesisQuotaProxy.Builder}. Test
 * methods may take the {@link KinesisQuotaProxy} as a parameter. Not thread-safe: JUnit calls it
 * from one thread.
 */
public final class KinesisQuotaProxyExtension extends ServerExtension<KinesisQuotaProxy>
    implements BeforeEachCallback {
  private final Starter starter;

  /** A proxy with AWS's quotas in front of a LocalKinesis with default options. */
  public KinesisQuotaProxyExtension() {
    this(kinesis -> {}, proxy -> {});
  }

  /** A proxy with the given options in front of a LocalKinesis with default options. */
  public KinesisQuotaProxyExtension(Consumer<KinesisQuotaProxy.Builder> proxyOptions) {
    this(kinesis -> {}, proxyOptions);
  }

  /**
   * @param kinesisOptions applied to the {@link LocalKinesis.Builder}
   * @param proxyOptions applied to the {@link KinesisQuotaProxy.Builder} after the upstream is set
   */
  public KinesisQuotaProxyExtension(
      Consumer<LocalKinesis.Builder> kinesisOptions,
      Consumer<KinesisQuotaProxy.Builder> proxyOptions) {
    this(new Starter(kinesisOptions, proxyOptions));
  }

  private KinesisQuotaProxyExtension(Starter starter) {
    super(KinesisQuotaProxy.class, starter);
    this.starter = starter;
  }

  /**
   * Gives the test a fresh proxy: no armed faults, every shard's full quota, counters at zero (what
   * an earlier test of the class did to the shared proxy does not leak into this one).
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    KinesisQuotaProxy proxy = get();
    proxy.faults().clear();
    proxy.resetQuotas();
    proxy.counters().reset();
  }

  /** The LocalKinesis behind the proxy, for what a test does straight against the server. */
  public LocalKinesis kinesis() {
    get(); // fails with a clear message when not running
    return starter.kinesis;
  }

  private static final class Starter implements Supplier<KinesisQuotaProxy> {
    private final Consumer<LocalKinesis.Builder> kinesisOptions;
    private final Consumer<KinesisQuotaProxy.Builder> proxyOptions;
    private LocalKinesis kinesis;

    Starter(
        Consumer<LocalKinesis.Builder> kinesisOptions,
        Consumer<KinesisQuotaProxy.Builder> proxyOptions) {
      this.kinesisOptions = Objects.requireNonNull(kinesisOptions, "kinesisOptions cannot be null");
      this.proxyOptions = Objects.requireNonNull(proxyOptions, "proxyOptions cannot be null");
    }

    @Override
    public KinesisQuotaProxy get() {
      LocalKinesis.Builder kinesisBuilder = LocalKinesis.builder();
      kinesisOptions.accept(kinesisBuilder);
      LocalKinesis started = kinesisBuilder.start();
      try {
        KinesisQuotaProxy.Builder proxyBuilder = KinesisQuotaProxy.builder().upstream(started);
        proxyOptions.accept(proxyBuilder);
        KinesisQuotaProxy proxy = proxyBuilder.closeUpstream(true).start();
        kinesis = started;
        return proxy;
      } catch (RuntimeException | Error e) {
        started.close();
        throw e;
      }
    }
  }
}
