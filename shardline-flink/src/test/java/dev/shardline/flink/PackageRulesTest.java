package dev.shardline.flink;

import static dev.shardline.testsupport.PackageRules.flinkAdapterImportsOnlyTheContract;
import static dev.shardline.testsupport.PackageRules.mainClassesOf;

import org.junit.jupiter.api.Test;

/** The Flink adapter wraps connectors through the contract only. */
class PackageRulesTest {
  @Test
  void flinkAdapterImportsOnlyTheContractAndTheCheckpointFormat() {
    flinkAdapterImportsOnlyTheContract().check(mainClassesOf(FlinkSource.class));
  }
}
