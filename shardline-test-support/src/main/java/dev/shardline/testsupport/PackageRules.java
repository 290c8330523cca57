package dev.shardline.testsupport;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package rules of ARCHITECTURE.md for connector code, as ArchUnit rules that each connector
 * module checks on its own main classes in a unit test: a connector (Kinesis, Kafka, the built-in
 * generator, file and stdout) imports only the contract in shardline-core and its own libraries,
 * never the embedded runtime ({@code dev.shardline.runtime..}), Flink or test support, so the same
 * connector runs on the embedded runner and on Flink. Core's own rules (no AWS, Kafka or Flink; no
 * package cycles) are in core's {@code CorePackageRulesTest}, since core cannot depend on this
 * module. Stateless.
 *
 * <pre>{@code
 * // in a unit test of shardline-kafka:
 * PackageRules.connectorsImportNoRuntimeOrFlink("dev.shardline.kafka..")
 *     .check(PackageRules.mainClassesOf(KafkaSource.class));
 * }</pre>
 */
public final class PackageRules {
  private PackageRules() {}

  /**
   * The classes of the jar or output directory (e.g. {@code target/classes}) that holds {@code
   * anyClassOfTheModule}: one module's main classes, without its tests. The classes they use from
   * other jars are known by name only (not read from the class path), which is all a package rule
   * needs, and keeps the import to the module's own classes (an AWS SDK import takes seconds).
   */
  public static JavaClasses mainClassesOf(Class<?> anyClassOfTheModule) {
    return ArchConfiguration.withThreadLocalScope(
        configuration -> {
          configuration.setResolveMissingDependenciesFromClassPath(false);
          return new ClassFileImporter()
              .importUrl(anyClassOfTheModule.getProtectionDomain().getCodeSource().getLocation());
        });
  }

  /**
   * Classes in {@code connectorPackages} (ArchUnit package patterns, e.g. {@code
   * "dev.shardline.kafka.."}) depend on nothing in the runtime, Flink or test support. Fails too
   * when the patterns match no class, so a renamed package cannot make it pass by checking nothing.
   */
  public static ArchRule connectorsImportNoRuntimeOrFlink(String... connectorPackages) {
    return noClasses()
        .that()
        .resideInAnyPackage(connectorPackages)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.shardline.runtime..", "org.apache.flink..", "dev.shardline.testsupport..")
        .because(
            "connectors use only the contract in shardline-core, so they run on the embedded"
                + " runner and on Flink alike (ARCHITECTURE.md)");
  }

  /**
   * The Flink adapter ({@code dev.shardline.flink..}) wraps connectors through the contract only:
   * it imports no connector (Kinesis, Kafka, the AWS SDK, kafka-clients) and, of the embedded
   * runtime, only its checkpoint format ({@code dev.shardline.runtime.checkpoint}, to start a job
   * from an embedded checkpoint).
   */
  public static ArchRule flinkAdapterImportsOnlyTheContract() {
    return noClasses()
        .that()
        .resideInAnyPackage("dev.shardline.flink..")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(
                    "dev.shardline.kinesis..",
                    "dev.shardline.kafka..",
                    "dev.shardline.connectors..",
                    "dev.shardline.testsupport..",
                    "software.amazon..",
                    "org.apache.kafka..")
                .or(
                    resideInAPackage("dev.shardline.runtime..")
                        .and(not(resideInAPackage("dev.shardline.runtime.checkpoint")))))
        .because(
            "the Flink adapter stays thin: it wraps any connector through the contract"
                + " (ARCHITECTURE.md)");
  }
}
