package dev.shardline.kafka;

import static dev.shardline.testsupport.PackageRules.connectorsImportNoRuntimeOrFlink;
import static dev.shardline.testsupport.PackageRules.mainClassesOf;

import dev.shardline.kafka.source.KafkaSource;
import org.junit.jupiter.api.Test;

/** The Kafka connector uses only the contract: no runtime, no Flink. */
class PackageRulesTest {
  @Test
  void kafkaConnectorImportsNoRuntimeOrFlink() {
    connectorsImportNoRuntimeOrFlink("dev.shardline.kafka..")
        .check(mainClassesOf(KafkaSource.class));
  }
}
