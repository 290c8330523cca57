package dev.shardline.testkit.kinesis;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Something a Kinesis client can talk to on 127.0.0.1: a local Kinesis server ({@link
 * LocalKinesis}, {@link LocalKinesalite}) or a {@link
 * dev.shardline.testkit.proxy.KinesisQuotaProxy} in front of one. Clients it hands out are ready to
 * use (endpoint, region and dummy static credentials set) and are closed with the endpoint.
 */
public interface KinesisEndpoint extends AutoCloseable {

  /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
  URI endpoint();

  /** The region clients must sign for. */
  Region region();

  /** Dummy static credentials the server accepts. */
  AwsCredentialsProvider credentials();

  /** A synchronous client for this endpoint, shared, closed with the endpoint. */
  KinesisClient client();

  /** An asynchronous client (HTTP/1.1) for this endpoint, shared, closed with the endpoint. */
  KinesisAsyncClient asyncClient();

  /** Stops what this endpoint started and closes its clients. */
  @Override
  void close();
}
