package dev.shardline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.shardline.api.Source;
import org.junit.jupiter.api.Test;

/**
 * The package rules of ARCHITECTURE.md that core keeps, checked on core's own classes (not its
 * tests): core imports no AWS, Kafka or Flink, and its packages ({@code api}, {@code config},
 * {@code format}, {@code retry}, {@code state}, {@code time}, ...) have no cycle, so test doubles
 * and runtimes stay out of the contract. The connector modules' rules are in test-support's {@code
 * PackageRules} (core cannot depend on it).
 */
class CorePackageRulesTest {
  /** Core's main classes; what they use from other jars known by name only (as PackageRules). */
  private static final JavaClasses CORE =
      ArchConfiguration.withThreadLocalScope(
          configuration -> {
            configuration.setResolveMissingDependenciesFromClassPath(false);
            return new ClassFileImporter()
                .importUrl(Source.class.getProtectionDomain().getCodeSource().getLocation());
          });

  @Test
  void coreImportsNoAwsKafkaOrFlink() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("software.amazon..", "org.apache.kafka..", "org.apache.flink..")
        .because("core runs in every runtime and every connector module")
        .check(CORE);
  }

  @Test
  void corePackagesHaveNoCycles() {
    slices().matching("dev.shardline.(*)..").should().beFreeOfCycles().check(CORE);
  }
}
