package dev.shardline.dev.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's two pipeline files, written into its directory so a user can read them and run them
 * again: the writer (generated events → Kinesis sink) and the Kinesis → Kafka pipeline.
 */
final class DemoPipelines {
  static final String MARKER = ".shardline-demo";

  private final Path directory;
  private final String kinesisEndpoint;
  private final String kafkaServers;

  DemoPipelines(Path directory, String kinesisEndpoint, String kafkaServers) {
    this.directory = directory;
    this.kinesisEndpoint = kinesisEndpoint;
    this.kafkaServers = kafkaServers;
  }

  Path checkpoints() {
    return directory.resolve("checkpoints/kinesis-to-kafka");
  }

  /** The AWS settings of the local server, indented by {@code indent}. */
  private String aws(String indent) {
    return indent
        + "awsRegion:\n"
        + indent
        + "  type: custom-endpoint\n"
        + indent
        + "  endpoint: "
        + kinesisEndpoint
        + "\n"
        + indent
        + "  id: us-east-1\n"
        + indent
        + "awsCredentials:\n"
        + indent
        + "  type: basic\n"
        + indent
        + "  accessKeyId: demo\n"
        + indent
        + "  secretAccessKey: demo-not-a-secret\n";
  }

  Path writeWriter(long records) throws IOException {
    return write(
        "writer.yaml",
        "# Writes the demo's events into Kinesis with Shardline's Kinesis sink.\n"
            + "name: demo-writer\n"
            + "checkpoint:\n"
            + "  interval: 1s\n"
            + "  directory: "
            + directory.resolve("checkpoints/demo-writer")
            + "\n"
            + "source:\n"
            + "  type: generator\n"
            + "  kind: json-events\n"
            + "  count: "
            + records
            + "\n"
            + "  keys: 32\n"
            + "  payloadSize: 64B\n"
            + "sinks:\n"
            + "  - type: kinesis\n"
            + "    stream: "
            + Demo.STREAM
            + "\n"
            + "    partitionKey: /key\n"
            + "    format: json\n"
            + aws("    "));
  }

  /**
   * The Kinesis -> Kafka pipeline.
   *
   * @param maxRecords the source's {@code reader.getRecords.maxRecords}: small, so that reading
   *     takes several seconds (one GetRecords call per shard every 200 ms) and the kill lands
   *     mid-way
   */
  Path writeKinesisToKafka(int maxRecords) throws IOException {
    return write(
        "kinesis-to-kafka.yaml",
        "# Kinesis -> Kafka, exactly once into Kafka (one transaction per checkpoint).\n"
            + "name: kinesis-to-kafka\n"
            + "parallelism: 2\n"
            + "checkpoint:\n"
            + "  interval: 1s\n"
            + "  directory: "
            + checkpoints()
            + "\n"
            + "source:\n"
            + "  type: kinesis\n"
            + "  streams:\n"
            + "    - "
            + Demo.STREAM
            + "\n"
            + aws("  ")
            + "  startupPosition:\n"
            + "    type: earliest\n"
            + "  # small reads (a GetRecords call per shard every 200 ms), so that reading takes\n"
            + "  # several seconds and the demo can kill the pipeline mid-way through the events\n"
            + "  reader:\n"
            + "    getRecords:\n"
            + "      maxRecords: "
            + maxRecords
            + "\n"
            + "  format: json\n"
            + "transforms:\n"
            + "  - type: addMetadata\n"
            + "    fields:\n"
            + "      partitionKey: /kinesis/partitionKey\n"
            + "      arrivalTime: /kinesis/arrivalTime\n"
            + "sinks:\n"
            + "  - type: kafka\n"
            + "    bootstrapServers: "
            + kafkaServers
            + "\n"
            + "    topic: "
            + Demo.TOPIC
            + "\n"
            + "    key: /key\n"
            + "    deliveryGuarantee: exactly-once\n"
            + "    format: json\n");
  }

  private Path write(String name, String text) throws IOException {
    Path file = directory.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
