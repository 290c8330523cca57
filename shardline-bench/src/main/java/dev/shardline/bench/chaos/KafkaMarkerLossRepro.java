package dev.shardline.bench.chaos;

import dev.shardline.kafka.internal.HangingTransactions;
import dev.shardline.testkit.kafka.LocalKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reproduces, without any Shardline code, the Kafka broker fault the chaos run meets: a committed
 * transaction left open on its partitions for good. A bare {@code KafkaProducer} writes 40 records
 * over the 4 partitions of a topic in a transaction and calls {@code commitTransaction()}; the only
 * broker of a {@link LocalKafka} is killed -9 (or stopped) 0-3 ms later and started again. After
 * each round it looks for hanging transactions ({@link HangingTransactions}). Once one shows up (in
 * about one round of ten, 10-15 s a round, on the 2-core development machine), the coordinator
 * reports the transaction {@code CompleteCommit} while every partition still holds it open, and the
 * broker's log says why: {@code Couldn't find leader endpoint for partitions ... these partitions
 * are likely deleted already and hence can be skipped}. It then writes the skipped COMMIT markers
 * ({@link TransactionMarkers}) and checks that the last stable offset of each partition reaches its
 * end.
 *
 * <pre>
 * java -cp "shardline-bench/target/classes:$(cat shardline-bench/target/classpath.txt)" \
 *   dev.shardline.bench.chaos.KafkaMarkerLossRepro [rounds (default 40)] [kill|stop (default kill)]
 * </pre>
 *
 * Exits 0 once it reproduced the fault and repaired it, 2 when it reproduced it but the last stable
 * offsets did not reach the ends, 1 when no round reproduced it.
 */
public final class KafkaMarkerLossRepro {
  private static final String TOPIC = "t";
  private static final int PARTITIONS = 4;

  private KafkaMarkerLossRepro() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    boolean kill = args.length < 2 || args[1].equals("kill");
    Random random = new Random(1);
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(TOPIC, p));
    }
    try (LocalKafka kafka = LocalKafka.builder().childJvm().start()) {
      kafka.createTopic(TOPIC, PARTITIONS);
      for (int round = 0; round < rounds; round++) {
        String outcome = commitWhileTheBrokerGoesDown(kafka, "repro-" + round, kill, random);
        Thread.sleep(3000); // the restarted broker settles: markers it still owes get written
        Admin admin = kafka.adminClient();
        List<HangingTransactions.Hanging> hanging =
            HangingTransactions.find(admin, partitions, 30_000);
        System.out.printf(
            "round %d: commit %s; hanging transactions: %s%n", round, outcome, hanging);
        if (hanging.isEmpty()) {
          continue;
        }
        HangingMarkers.write(kafka, partitions).forEach(line -> System.out.println("  " + line));
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        var stable =
            admin
                .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get();
        var end =
            admin
                .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .all()
                .get();
        boolean repaired = true;
        for (TopicPartition p : partitions) {
          System.out.printf(
              "  after writing the markers: %s last stable offset %d, end %d%n",
              p, stable.get(p).offset(), end.get(p).offset());
          repaired &= stable.get(p).offset() == end.get(p).offset();
        }
        System.out.println(
            repaired
                ? "REPRODUCED (and repaired) in round " + round
                : "REPRODUCED in round " + round + ", NOT repaired");
        System.exit(repaired ? 0 : 2);
      }
    }
    System.out.println("not reproduced in " + rounds + " rounds");
    System.exit(1);
  }

  private static String commitWhileTheBrokerGoesDown(
      LocalKafka kafka, String transactionalId, boolean kill, Random random) throws Exception {
    Properties properties = new Properties();
    properties.putAll(kafka.producerProperties());
    properties.put("transactional.id", transactionalId);
    properties.put("key.serializer", ByteArraySerializer.class.getName());
    properties.put("value.serializer", ByteArraySerializer.class.getName());
    properties.put("max.block.ms", "120000");
    properties.put("delivery.timeout.ms", "120000");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 40; i++) {
        producer.send(
            new ProducerRecord<>(
                TOPIC, i % PARTITIONS, null, (transactionalId + "-" + i).getBytes()));
      }
      producer.flush();
      Future<?> commit =
          executor.submit(
              () -> {
                producer.commitTransaction();
                return null;
              });
      TimeUnit.MICROSECONDS.sleep(random.nextInt(3000));
      if (kill) {
        kafka.kill();
      } else {
        kafka.stop();
      }
      Thread.sleep(1000);
      kafka.start();
      try {
        commit.get(180, TimeUnit.SECONDS);
        return "returned";
      } catch (ExecutionException e) {
        return "failed: " + e.getCause();
      } finally {
        producer.close(Duration.ofSeconds(5));
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
