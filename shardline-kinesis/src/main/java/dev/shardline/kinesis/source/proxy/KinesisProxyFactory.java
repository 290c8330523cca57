package dev.shardline.kinesis.source.proxy;

import dev.shardline.config.Configuration;
import java.io.Serializable;

/**
 * Creates the {@link KinesisProxy} of an enumerator or a reader from the source's configuration.
 * The default is {@link SdkKinesisProxy#create}; tests pass a factory of fakes. Serializable, as
 * the source is shipped to Flink task managers; implementations are thread-safe.
 */
@FunctionalInterface
public interface KinesisProxyFactory extends Serializable {

  /** The default: an SDK async client as {@code AwsOptions} in {@code config} say. */
  KinesisProxyFactory SDK = SdkKinesisProxy::create;

  /** A proxy for {@code config}; the caller closes it. */
  KinesisProxy create(Configuration config);
}
