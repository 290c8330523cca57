package dev.shardline.connectors;

import static dev.shardline.testsupport.PackageRules.connectorsImportNoRuntimeOrFlink;
import static dev.shardline.testsupport.PackageRules.mainClassesOf;

import org.junit.jupiter.api.Test;

/** The built-in connectors (generator, file, stdout) use only the contract, not this runtime. */
class PackageRulesTest {
  @Test
  void builtInConnectorsImportNoRuntimeOrFlink() {
    connectorsImportNoRuntimeOrFlink("dev.shardline.connectors..")
        .check(mainClassesOf(LineFormat.class));
  }
}
