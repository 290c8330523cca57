package dev.shardline.kinesis;

import static dev.shardline.testsupport.PackageRules.connectorsImportNoRuntimeOrFlink;
import static dev.shardline.testsupport.PackageRules.mainClassesOf;

import dev.shardline.kinesis.source.KinesisSource;
import org.junit.jupiter.api.Test;

/** The Kinesis connector uses only the contract: no runtime, no Flink. */
class PackageRulesTest {
  @Test
  void kinesisConnectorImportsNoRuntimeOrFlink() {
    connectorsImportNoRuntimeOrFlink("dev.shardline.kinesis..")
        .check(mainClassesOf(KinesisSource.class));
  }
}
