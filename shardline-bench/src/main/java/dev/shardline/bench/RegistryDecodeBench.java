package dev.shardline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardline.format.AvroFormat;
import dev.shardline.format.RegistryAvroFormat;
import dev.shardline.format.SchemaRegistrySettings;
import dev.shardline.testkit.registry.LocalSchemaRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU cost per record of decoding Avro in the Confluent wire format with the writer schema from
 * a schema registry (a real Apicurio Registry from the testkit; the schema fetched once, then
 * cached) against decoding the same records with {@link AvroFormat} and the schema given, in the
 * same run, alternating, on one thread ({@code ThreadMXBean.getCurrentThreadCpuTime()}). Also
 * reports the registry format with a reader schema (Avro resolution from v1 to v2). A harness, not
 * a test: run it with {@code shardline-bench/run-registry-bench.sh} (see README.md).
 *
 * <p>Arguments (all optional): {@code records} (default 1,000,000), {@code rounds} (default 5).
 */
public final class RegistryDecodeBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"bench\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"customer\",\"type\":\"string\"},"
          + "{\"name\":\"status\",\"type\":\"string\"},"
          + "{\"name\":\"amount\",\"type\":\"double\"},"
          + "{\"name\":\"quantity\",\"type\":\"int\"},"
          + "{\"name\":\"paid\",\"type\":\"boolean\"},"
          + "{\"name\":\"createdAt\",\"type\":\"long\"},"
          + "{\"name\":\"region\",\"type\":\"string\"}]}";
  private static final String V2 =
      V1.replace(
          "{\"name\":\"region\",\"type\":\"string\"}]}",
          "{\"name\":\"region\",\"type\":\"string\"},"
              + "{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}]}");

  private RegistryDecodeBench() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf(
        "decode %,d Avro records; %d rounds; %d cores, %s%n",
        records,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    try (LocalSchemaRegistry registry = LocalSchemaRegistry.builder().start()) {
      int id = register(registry.confluentUrl(), "bench-value", V1);
      AvroFormat<JsonNode> given = AvroFormat.withSchema(V1);
      byte[][] plain = new byte[records][];
      byte[][] framed = new byte[records][];
      long bytes = 0;
      for (int i = 0; i < records; i++) {
        plain[i] = given.serialize(order(i));
        framed[i] = frame(id, plain[i]);
        bytes += plain[i].length;
      }
      System.out.printf("average record: %d bytes of Avro (+5 of header)%n", bytes / records);
      SchemaRegistrySettings settings = SchemaRegistrySettings.of(registry.confluentUrl());
      RegistryAvroFormat fromRegistry = RegistryAvroFormat.builder(settings).build();
      RegistryAvroFormat resolving = RegistryAvroFormat.builder(settings).schema(V2).build();
      if (!fromRegistry.deserialize(framed[7]).equals(given.deserialize(plain[7]))
          || !resolving.deserialize(framed[7]).path("note").asText("x").isEmpty()) {
        throw new IllegalStateException("the formats disagree on record 7");
      }

      // one unmeasured pass of each (JIT)
      decode(given, plain);
      decode(fromRegistry, framed);
      decode(resolving, framed);
      List<double[]> results = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double givenNs = decode(given, plain) / (double) records;
        double registryNs = decode(fromRegistry, framed) / (double) records;
        double resolvingNs = decode(resolving, framed) / (double) records;
        results.add(new double[] {givenNs, registryNs, resolvingNs});
        System.out.printf(
            "round %d: given schema %.0f ns/record, registry (cached) %.0f ns/record (%.3fx),"
                + " registry + reader schema %.0f ns/record (%.3fx)%n",
            round, givenNs, registryNs, registryNs / givenNs, resolvingNs, resolvingNs / givenNs);
      }
      double[] sum = new double[3];
      for (double[] r : results) {
        for (int i = 0; i < 3; i++) {
          sum[i] += r[i];
        }
      }
      System.out.printf(
          "mean CPU per record: given schema %.0f ns, registry (cached) %.0f ns, ratio %.3f;"
              + " registry + reader schema %.0f ns, ratio %.3f%n",
          sum[0] / rounds, sum[1] / rounds, sum[1] / sum[0], sum[2] / rounds, sum[2] / sum[0]);
    }
  }

  /** This thread's CPU nanoseconds to decode every record. */
  private static long decode(
      dev.shardline.format.DeserializationSchema<JsonNode> format, byte[][] all) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    long check = 0;
    for (byte[] record : all) {
      check += format.deserialize(record).size();
    }
    long cpu = threads.getCurrentThreadCpuTime() - start;
    if (check == 0) {
      throw new IllegalStateException("nothing decoded");
    }
    return cpu;
  }

  private static ObjectNode order(int i) {
    ObjectNode order = JSON.createObjectNode();
    order.put("id", i);
    order.put("customer", "customer-" + (i % 1000));
    order.put("status", i % 3 == 0 ? "paid" : "open");
    order.put("amount", i * 1.25);
    order.put("quantity", i % 17);
    order.put("paid", i % 3 == 0);
    order.put("createdAt", 1_700_000_000_000L + i);
    order.put("region", "eu-west-" + (i % 3));
    return order;
  }

  private static byte[] frame(int id, byte[] avro) {
    byte[] out = new byte[avro.length + 5];
    out[1] = (byte) (id >>> 24);
    out[2] = (byte) (id >>> 16);
    out[3] = (byte) (id >>> 8);
    out[4] = (byte) id;
    System.arraycopy(avro, 0, out, 5, avro.length);
    return out;
  }

  private static int register(String url, String subject, String schema) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("schema", schema);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("cannot register the schema: " + response.body());
    }
    return JSON.readTree(response.body()).get("id").asInt();
  }
}
