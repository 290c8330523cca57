package dev.shardline.kinesis.config;

import static dev.shardline.util.Preconditions.checkNotNull;

import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.AwsOptions.RegionType;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * Which AWS region (or endpoint) a Kinesis connector talks to: the SDK's default region chain, a
 * given region, or a custom endpoint with the region to sign for (how tests reach a local server).
 * The Java form of the {@code awsRegion} options. Immutable and thread-safe.
 *
 * <pre>{@code
 * AwsRegion.defaultChain();
 * AwsRegion.of("eu-west-1");
 * AwsRegion.customEndpoint(URI.create("http://127.0.0.1:4567"), "us-east-1");
 * }</pre>
 */
public final class AwsRegion {
  private final RegionType type;
  private final String id;
  private final URI endpoint;

  private AwsRegion(RegionType type, String id, URI endpoint) {
    this.type = type;
    this.id = id;
    this.endpoint = endpoint;
  }

  /** The SDK's default region provider chain. */
  public static AwsRegion defaultChain() {
    return new AwsRegion(RegionType.DEFAULT, null, null);
  }

  /** The region {@code id}, e.g. {@code eu-west-1}. */
  public static AwsRegion of(String id) {
    return new AwsRegion(RegionType.SPECIFIC, AwsOptions.REGION_ID.validate(id), null);
  }

  /** A custom endpoint, signing requests for region {@code id}. */
  public static AwsRegion customEndpoint(URI endpoint, String id) {
    checkNotNull(endpoint, "endpoint");
    AwsOptions.REGION_ENDPOINT.validate(endpoint.toString());
    return new AwsRegion(RegionType.CUSTOM_ENDPOINT, AwsOptions.REGION_ID.validate(id), endpoint);
  }

  /** The region as the {@code awsRegion} options of {@code config} say. */
  public static AwsRegion fromConfiguration(Configuration config) {
    return switch (config.get(AwsOptions.REGION_TYPE)) {
      case DEFAULT -> defaultChain();
      case SPECIFIC -> of(config.get(AwsOptions.REGION_ID));
      case CUSTOM_ENDPOINT ->
          customEndpoint(
              URI.create(config.get(AwsOptions.REGION_ENDPOINT).trim()),
              config.get(AwsOptions.REGION_ID));
    };
  }

  /** Sets the {@code awsRegion} options to this region (and removes the ones it does not use). */
  public Configuration.Builder applyTo(Configuration.Builder config) {
    return config
        .set(AwsOptions.REGION_TYPE, type)
        .set(AwsOptions.REGION_ID, id)
        .set(AwsOptions.REGION_ENDPOINT, endpoint == null ? null : endpoint.toString());
  }

  /** Where the region comes from. */
  public RegionType type() {
    return type;
  }

  /** The SDK region, or empty for the default chain. */
  public Optional<Region> region() {
    return Optional.ofNullable(id).map(Region::of);
  }

  /** The custom endpoint, when there is one. */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /**
   * For messages: {@code region us-east-1}, {@code endpoint http://...}, {@code default region}.
   */
  public String describe() {
    return switch (type) {
      case DEFAULT -> "the default region";
      case SPECIFIC -> "region " + id;
      case CUSTOM_ENDPOINT -> "endpoint " + endpoint + " (region " + id + ")";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AwsRegion r
        && type == r.type
        && Objects.equals(id, r.id)
        && Objects.equals(endpoint, r.endpoint);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, id, endpoint);
  }

  @Override
  public String toString() {
    return "AwsRegion{" + describe() + "}";
  }
}
