package dev.shardline.kinesis.config;

import dev.shardline.config.ConfigException;
import dev.shardline.config.Configuration;
import dev.shardline.kinesis.config.AwsOptions.CredentialsType;
import java.nio.file.Path;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Which credentials a Kinesis connector signs with: the SDK's default chain, a key id and secret
 * key, or a named profile (from the default or a given credentials file). The Java form of the
 * {@code awsCredentials} options. The secret key never appears in {@link #toString()} or errors.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * AwsCredentials.defaultChain();
 * AwsCredentials.basic("AKIA...", System.getenv("AWS_SECRET_ACCESS_KEY"));
 * AwsCredentials.profile("analytics", Path.of("/etc/shardline/credentials"));
 * }</pre>
 */
public final class AwsCredentials {
  private final CredentialsType type;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String profileName;
  private final String profilePath;

  private AwsCredentials(
      CredentialsType type,
      String accessKeyId,
      String secretAccessKey,
      String profileName,
      String profilePath) {
    this.type = type;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.profileName = profileName;
    this.profilePath = profilePath;
  }

  /** The SDK's default credentials provider chain. */
  public static AwsCredentials defaultChain() {
    return new AwsCredentials(CredentialsType.DEFAULT, null, null, null, null);
  }

  /** A key id and secret key. */
  public static AwsCredentials basic(String accessKeyId, String secretAccessKey) {
    return new AwsCredentials(
        CredentialsType.BASIC,
        AwsOptions.ACCESS_KEY_ID.validate(accessKeyId),
        AwsOptions.SECRET_ACCESS_KEY.validate(secretAccessKey),
        null,
        null);
  }

  /** A profile from the SDK's default credentials file. */
  public static AwsCredentials profile(String profileName) {
    return new AwsCredentials(
        CredentialsType.PROFILE, null, null, AwsOptions.PROFILE_NAME.validate(profileName), null);
  }

  /** A profile from the credentials file {@code profilePath}. */
  public static AwsCredentials profile(String profileName, Path profilePath) {
    return new AwsCredentials(
        CredentialsType.PROFILE,
        null,
        null,
        AwsOptions.PROFILE_NAME.validate(profileName),
        AwsOptions.PROFILE_PATH.validate(profilePath).toString());
  }

  /** The credentials as the {@code awsCredentials} options of {@code config} say. */
  public static AwsCredentials fromConfiguration(Configuration config) {
    return switch (config.get(AwsOptions.CREDENTIALS_TYPE)) {
      case DEFAULT -> defaultChain();
      case BASIC ->
          basic(config.get(AwsOptions.ACCESS_KEY_ID), config.get(AwsOptions.SECRET_ACCESS_KEY));
      case PROFILE ->
          config
              .getOptional(AwsOptions.PROFILE_PATH)
              .map(path -> profile(config.get(AwsOptions.PROFILE_NAME), path))
              .orElseGet(() -> profile(config.get(AwsOptions.PROFILE_NAME)));
    };
  }

  /** Sets the {@code awsCredentials} options (and removes the ones these do not use). */
  public Configuration.Builder applyTo(Configuration.Builder config) {
    return config
        .set(AwsOptions.CREDENTIALS_TYPE, type)
        .set(AwsOptions.ACCESS_KEY_ID, accessKeyId)
        .set(AwsOptions.SECRET_ACCESS_KEY, secretAccessKey)
        .set(AwsOptions.PROFILE_NAME, profileName)
        .set(AwsOptions.PROFILE_PATH, profilePath == null ? null : Path.of(profilePath));
  }

  /** Where the credentials come from. */
  public CredentialsType type() {
    return type;
  }

  /**
   * An SDK credentials provider for these credentials.
   *
   * @throws ConfigException when the profile file cannot be read
   */
  public AwsCredentialsProvider toProvider() {
    return switch (type) {
      case DEFAULT -> DefaultCredentialsProvider.builder().build();
      case BASIC ->
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(accessKeyId, secretAccessKey));
      case PROFILE -> {
        ProfileCredentialsProvider.Builder builder =
            ProfileCredentialsProvider.builder().profileName(profileName);
        if (profilePath != null) {
          try {
            builder.profileFile(
                ProfileFile.builder()
                    .content(Path.of(profilePath))
                    .type(ProfileFile.Type.CREDENTIALS)
                    .build());
          } catch (RuntimeException e) {
            throw new ConfigException(
                AwsOptions.PROFILE_PATH.key(),
                profilePath,
                false,
                "cannot read the credentials file: " + e.getMessage());
          }
        }
        yield builder.build();
      }
    };
  }

  /** For messages; never shows the secret key. */
  public String describe() {
    return switch (type) {
      case DEFAULT -> "the default credentials chain";
      case BASIC -> "access key " + accessKeyId;
      case PROFILE -> "profile " + profileName + (profilePath == null ? "" : " in " + profilePath);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AwsCredentials c
        && type == c.type
        && Objects.equals(accessKeyId, c.accessKeyId)
        && Objects.equals(secretAccessKey, c.secretAccessKey)
        && Objects.equals(profileName, c.profileName)
        && Objects.equals(profilePath, c.profilePath);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, accessKeyId, profileName, profilePath);
  }

  @Override
  public String toString() {
    return "AwsCredentials{" + describe() + (secretAccessKey == null ? "" : ", secret ****") + "}";
  }
}
