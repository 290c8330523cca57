package dev.shardline.kinesis.source.proxy;

import dev.shardline.config.Configuration;
import java.io.Serializable;

/**
 * Creates the {@link KinesisProxy} of an enumerator or a reader from the source's configuration.
 * The default shares one {@link SdkKinesisProxy} per configuration among the enumerator and readers
 * in a JVM ({@link SharedSdkKinesisProxies}); tests pass a factory of fakes. Serializable, as the
 * source is shipped to Flink task managers; implementations are thread-safe.
 */
@FunctionalInterface
public interface KinesisProxyFactory extends Serializable {

  /**
   * The default: the SDK client as {@code AwsOptions} in {@code config} say, one per configuration
   * in a JVM, shared by the source's enumerator and readers there.
   */
  KinesisProxyFactory SDK = SharedSdkKinesisProxies::acquire;

  /** A proxy for {@code config}; the caller closes it. */
  KinesisProxy create(Configuration config);
}
