package dev.shardline.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardline.api.RetriableException;
import dev.shardline.api.UnrecoverableException;
import dev.shardline.kafka.source.enumerator.MissingTopicsException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaErrorsTest {

  @Test
  void refusedCredentialsAndMissingPermissionsAreUnrecoverableNamingTheSettingsToCheck() {
    assertThat(
            KafkaErrors.classify(
                "Reading topics [orders] on 127.0.0.1:9092 failed",
                new ExecutionException(new SaslAuthenticationException("bad password"))))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("SaslAuthenticationException: bad password")
        .hasMessageContaining("security.protocol, sasl.*, ssl.*");
    assertThat(
            KafkaErrors.classify(
                "Writing to orders failed", new TopicAuthorizationException("not allowed")))
        .isInstanceOf(UnrecoverableException.class)
        .hasMessageContaining("ACLs");
  }

  @Test
  void timeoutsStayRetriableAndMissingTopicsUnrecoverable() {
    assertThat(KafkaErrors.classify("x", new TimeoutException("no node")))
        .isInstanceOf(RetriableException.class)
        .isNotInstanceOf(UnrecoverableException.class);
    MissingTopicsException missing = new MissingTopicsException(List.of("orders"), "b:9092");
    assertThat(KafkaErrors.classify("x", missing)).isSameAs(missing);
    assertThat(UnrecoverableException.findIn(new RuntimeException(missing))).isSameAs(missing);
  }
}
