package dev.shardline.kinesis.config;

import dev.shardline.config.ConfigException;
import dev.shardline.config.ConfigOption;
import dev.shardline.config.ConfigOptions;
import dev.shardline.config.ConfigValidator;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.config.PathType;
import dev.shardline.config.Validator;
import dev.shardline.config.Validators;
import dev.shardline.retry.ServerReachability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a Kinesis connector reaches AWS: the region (or a custom endpoint), the credentials, and
 * extra client properties. Shared by the Kinesis source and sink, with the Stateful Functions
 * Kinesis vocabulary. Thread-safe (constants only).
 *
 * <pre>{@code
 * # YAML
 * awsRegion:
 *   type: custom-endpoint          # default | specific | custom-endpoint
 *   endpoint: http://127.0.0.1:4567
 *   id: us-east-1
 * awsCredentials:
 *   type: basic                    # default | basic | profile
 *   accessKeyId: AKIA...
 *   secretAccessKey: ${AWS_SECRET_ACCESS_KEY}
 * clientConfigProperties:
 *   maxConcurrency: 100
 *   apiCallTimeout: 30s
 * }</pre>
 *
 * <p>Defaults: the SDK's default region and credentials chains, no client properties.
 */
public final class AwsOptions {
  private AwsOptions() {}

  private static final Pattern REGION_PATTERN = Pattern.compile("[a-z]{2,}(-[a-z0-9]+)+-\\d+");

  /** Where the region comes from. */
  public enum RegionType {
    /** The SDK's default region provider chain (AWS_REGION, profile, instance metadata). */
    DEFAULT,
    /** The region {@code awsRegion.id}. */
    SPECIFIC,
    /** The endpoint {@code awsRegion.endpoint}, signing for region {@code awsRegion.id}. */
    CUSTOM_ENDPOINT
  }

  /** Where the credentials come from. */
  public enum CredentialsType {
    /** The SDK's default credentials provider chain. */
    DEFAULT,
    /** A key id and secret key. */
    BASIC,
    /** A named profile from a credentials file. */
    PROFILE
  }

  public static final ConfigOption<RegionType> REGION_TYPE =
      ConfigOptions.key("awsRegion.type")
          .enumType(RegionType.class)
          .defaultValue(RegionType.DEFAULT)
          .withDescription(
              "Where the region comes from: default (the SDK's default region chain), specific"
                  + " (awsRegion.id), or custom-endpoint (awsRegion.endpoint, signing for"
                  + " awsRegion.id).");

  public static final ConfigOption<String> REGION_ID =
      ConfigOptions.key("awsRegion.id")
          .stringType()
          .noDefaultValue()
          .withValidator(
              Validator.of(
                  "must be an AWS region id such as us-east-1 or eu-west-2",
                  id -> REGION_PATTERN.matcher(id).matches()))
          .withDescription(
              "The region id, for awsRegion.type specific and custom-endpoint, e.g. eu-west-1.");

  public static final ConfigOption<String> REGION_ENDPOINT =
      ConfigOptions.key("awsRegion.endpoint")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.httpUrl("http://127.0.0.1:4567"))
          .withDescription("The Kinesis endpoint URL, for awsRegion.type custom-endpoint.");

  public static final ConfigOption<CredentialsType> CREDENTIALS_TYPE =
      ConfigOptions.key("awsCredentials.type")
          .enumType(CredentialsType.class)
          .defaultValue(CredentialsType.DEFAULT)
          .withDescription(
              "Where the credentials come from: default (the SDK's default credentials chain),"
                  + " basic (awsCredentials.accessKeyId and secretAccessKey), or profile"
                  + " (awsCredentials.profileName, optionally profilePath).");

  public static final ConfigOption<String> ACCESS_KEY_ID =
      ConfigOptions.key("awsCredentials.accessKeyId")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription("The access key id, for awsCredentials.type basic.");

  public static final ConfigOption<String> SECRET_ACCESS_KEY =
      ConfigOptions.key("awsCredentials.secretAccessKey")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription("The secret access key, for awsCredentials.type basic.")
          .secret();

  public static final ConfigOption<String> PROFILE_NAME =
      ConfigOptions.key("awsCredentials.profileName")
          .stringType()
          .noDefaultValue()
          .withValidator(Validators.notBlank())
          .withDescription("The profile, for awsCredentials.type profile.");

  public static final ConfigOption<Path> PROFILE_PATH =
      ConfigOptions.key("awsCredentials.profilePath")
          .pathType(PathType.Use.READS_FILE)
          .noDefaultValue()
          .withDescription(
              "The credentials file holding the profile, for awsCredentials.type profile; the"
                  + " SDK's default file (~/.aws/credentials) when not set.");

  public static final ConfigOption<Map<String, String>> CLIENT_CONFIG_PROPERTIES =
      ConfigOptions.key("clientConfigProperties")
          .stringMapType()
          .defaultValue(Map.of())
          .withDescription(
              "Settings of the Kinesis client: "
                  + KinesisClientProperties.describeKeys()
                  + ". Durations as 30s or in milliseconds; the Kinesis Client Library's names"
                  + " (MaxConnections, SocketTimeout, RequestTimeout, ConnectTimeout) work too.");

  public static final ConfigOption<Duration> UNREACHABLE_TIMEOUT =
      ConfigOptions.key("unreachableTimeout")
          .durationType()
          .defaultValue(ServerReachability.DEFAULT_LIMIT)
          .withValidator(Validators.greaterThan(Duration.ZERO))
          .withDescription(
              "How long Kinesis may give no answer (connection refused or reset, timeouts) before"
                  + " the connector fails with an error naming the endpoint; the first call"
                  + " without an answer is logged at WARN at once. A failure restarts the"
                  + " pipeline from its last checkpoint as its restart policy allows. Calls also"
                  + " stop being retried when their retry.maxAttempts run out, whichever comes"
                  + " first.");

  /** Which keys go with which region and credentials types. */
  public static final ConfigValidator RULES = AwsOptions::checkConsistent;

  /** These options and their rules. */
  public static final OptionSet OPTIONS = OptionSet.of(AwsOptions.class);

  private static void checkConsistent(Configuration config) {
    RegionType region = config.get(REGION_TYPE);
    switch (region) {
      case DEFAULT -> {
        refuse(config, REGION_ID, "awsRegion.type is default");
        refuse(config, REGION_ENDPOINT, "awsRegion.type is default");
      }
      case SPECIFIC -> {
        require(config, REGION_ID, "awsRegion.type specific needs awsRegion.id, e.g. eu-west-1");
        refuse(config, REGION_ENDPOINT, "awsRegion.type is specific (use custom-endpoint)");
      }
      case CUSTOM_ENDPOINT -> {
        require(
            config,
            REGION_ENDPOINT,
            "awsRegion.type custom-endpoint needs awsRegion.endpoint, e.g."
                + " http://127.0.0.1:4567");
        require(
            config,
            REGION_ID,
            "awsRegion.type custom-endpoint needs awsRegion.id, the region requests are signed"
                + " for, e.g. us-east-1");
      }
      default -> throw new IllegalStateException("Unhandled region type " + region);
    }
    CredentialsType credentials = config.get(CREDENTIALS_TYPE);
    switch (credentials) {
      case DEFAULT -> {
        for (ConfigOption<?> o :
            java.util.List.of(ACCESS_KEY_ID, SECRET_ACCESS_KEY, PROFILE_NAME, PROFILE_PATH)) {
          refuse(config, o, "awsCredentials.type is default");
        }
      }
      case BASIC -> {
        require(
            config, ACCESS_KEY_ID, "awsCredentials.type basic needs awsCredentials.accessKeyId");
        require(
            config,
            SECRET_ACCESS_KEY,
            "awsCredentials.type basic needs awsCredentials.secretAccessKey");
        refuse(config, PROFILE_NAME, "awsCredentials.type is basic");
        refuse(config, PROFILE_PATH, "awsCredentials.type is basic");
      }
      case PROFILE -> {
        require(
            config, PROFILE_NAME, "awsCredentials.type profile needs awsCredentials.profileName");
        refuse(config, ACCESS_KEY_ID, "awsCredentials.type is profile");
        refuse(config, SECRET_ACCESS_KEY, "awsCredentials.type is profile");
      }
      default -> throw new IllegalStateException("Unhandled credentials type " + credentials);
    }
    KinesisClientProperties.from(config.get(CLIENT_CONFIG_PROPERTIES));
  }

  private static void require(Configuration config, ConfigOption<?> option, String message) {
    if (!config.contains(option)) {
      throw new ConfigException(option.key(), message);
    }
  }

  private static void refuse(Configuration config, ConfigOption<?> option, String why) {
    if (config.contains(option)) {
      throw new ConfigException(
          option.key(), option.key() + " does not apply: " + why + "; remove it");
    }
  }
}
