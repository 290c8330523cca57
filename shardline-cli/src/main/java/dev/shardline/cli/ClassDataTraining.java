package dev.shardline.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The training run for the launcher's class-data-sharing archive: run once after each build as
 * {@code java -XX:ArchiveClassesAtExit=shardline.jsa -cp shardline.jar
 * dev.shardline.cli.ClassDataTraining WORK_DIR}, it runs a real {@code shardline run} of a Kinesis
 * pipeline (polling source, stdout sink) against a stand-in for Kinesis on a free 127.0.0.1 port,
 * and exits once the readers have had a few batches; the JVM then writes the classes it loaded to
 * the archive. A cold {@code shardline run} started with that archive maps them instead of loading,
 * verifying and linking them one by one (with the SDK's and Netty's start-up, about a third of the
 * time to the first record; see shardline-bench/README.md).
 *
 * <p>The stand-in answers just enough of the Kinesis JSON protocol for one shard
 * (DescribeStreamSummary, ListShards, GetShardIterator, GetRecords); anything else gets an empty
 * answer. Not part of the command: nothing calls it but the launcher, and a failed training run
 * only means no archive (the command runs as before).
 */
public final class ClassDataTraining {
  private static final int BATCHES_BEFORE_EXIT = 4;

  private ClassDataTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: ClassDataTraining WORK_DIRECTORY (the caller deletes it)");
      System.exit(2);
    }
    // deleted by the caller: a shutdown hook here would race the pipeline's final checkpoint
    Path dir = Files.createDirectories(Path.of(args[0]));
    AtomicInteger batches = new AtomicInteger();
    HttpServer kinesis =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    kinesis.createContext("/", exchange -> answer(exchange, batches));
    kinesis.start();
    Path pipeline = dir.resolve("training.yaml");
    Files.writeString(
        pipeline,
        """
        name: cds-training
        parallelism: 2
        checkpoint:
          directory: "%s"
        source:
          type: kinesis
          streams: [training]
          awsRegion: {type: custom-endpoint, endpoint: "http://127.0.0.1:%d", id: us-east-1}
          awsCredentials: {type: basic, accessKeyId: AKIDCDSTRAINING, secretAccessKey: cds-training-secret}
          clientConfigProperties: {cborEnabled: "false"}
          startupPosition: {type: earliest}
          format: string
        sinks:
          - type: stdout
        """
            .formatted(dir.resolve("checkpoints"), kinesis.getAddress().getPort()));
    // the server's threads end with the JVM: stopping it first would fail the final checkpoint
    System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
    Thread watchdog =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + 60_000_000_000L;
              while (batches.get() < BATCHES_BEFORE_EXIT && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
              // as SIGTERM would: the shutdown hook stops the pipeline with a final checkpoint
              System.exit(batches.get() >= BATCHES_BEFORE_EXIT ? 0 : 1);
            },
            "cds-training-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Main.main(new String[] {"run", pipeline.toString(), "--status", "off"});
  }

  private static void answer(HttpExchange exchange, AtomicInteger batches) throws IOException {
    String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
    exchange.getRequestBody().readAllBytes();
    String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
    String body =
        switch (operation) {
          case "DescribeStreamSummary" ->
              "{\"StreamDescriptionSummary\":{\"StreamName\":\"training\",\"StreamARN\":"
                  + "\"arn:aws:kinesis:us-east-1:000000000000:stream/training\","
                  + "\"StreamStatus\":\"ACTIVE\",\"RetentionPeriodHours\":24,"
                  + "\"OpenShardCount\":1,\"StreamCreationTimestamp\":1.7E9}}";
          case "ListShards" ->
              "{\"Shards\":[{\"ShardId\":\"shardId-000000000000\",\"HashKeyRange\":"
                  + "{\"StartingHashKey\":\"0\",\"EndingHashKey\":"
                  + "\"340282366920938463463374607431768211455\"},\"SequenceNumberRange\":"
                  + "{\"StartingSequenceNumber\":\"1\"}}]}";
          case "GetShardIterator" -> "{\"ShardIterator\":\"iterator-0\"}";
          case "GetRecords" -> records(batches.getAndIncrement());
          default -> "{}";
        };
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String records(int batch) {
    StringBuilder json = new StringBuilder("{\"Records\":[");
    for (int i = 0; i < 100; i++) {
      long sequence = batch * 100L + i + 1;
      json.append(i == 0 ? "" : ",")
          .append("{\"SequenceNumber\":\"")
          .append(sequence)
          .append("\",\"ApproximateArrivalTimestamp\":1.7E9,\"PartitionKey\":\"k")
          .append(i)
          .append("\",\"Data\":\"")
          .append(
              Base64.getEncoder()
                  .encodeToString(
                      ("training record " + sequence + " abcdefghijklmnopqrstuvwxyz")
                          .getBytes(StandardCharsets.UTF_8)))
          .append("\"}");
    }
    return json.append("],\"NextShardIterator\":\"iterator-")
        .append(batch + 1)
        .append("\",\"MillisBehindLatest\":0}")
        .toString();
  }
}
