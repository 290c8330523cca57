package dev.shardline.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkContext;
import dev.shardline.api.SinkWriter;
import dev.shardline.format.BytesFormat;
import dev.shardline.kafka.source.KafkaSource;
import dev.shardline.runtime.Pipeline;
import dev.shardline.testkit.kafka.LocalKafka;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Drains a 6-partition topic of 100-byte records with Shardline's {@code KafkaSource} (a pipeline
 * on the embedded runner, parallelism 1, into a sink that only counts) and with a plain {@code
 * KafkaConsumer} poll loop (one consumer assigned every partition, counting records and bytes), on
 * the same broker in the same run, alternating, and reports records per second, the ratio of the
 * two, and process CPU seconds per million records ({@code OperatingSystemMXBean
 * .getProcessCpuTime()} of this JVM; the broker runs in a child JVM, so its CPU is not counted).
 * Both use the consumer's default fetch settings. A harness, not a test: run it by hand with {@code
 * shardline-bench/run-kafka-bench.sh} (see README.md).
 *
 * <p>Arguments (all optional): {@code records} (default 5,000,000), {@code rounds} (default 3),
 * {@code recordBytes} (default 100).
 */
public final class KafkaSourceBench {
  private static final String TOPIC = "bench";
  private static final int PARTITIONS = 6;

  private KafkaSourceBench() {}

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 5_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int recordBytes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    System.out.printf(
        "drain %,d records of %d bytes from %d partitions; %d rounds; %d cores, %s%n",
        records,
        recordBytes,
        PARTITIONS,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    try (LocalKafka kafka =
        LocalKafka.builder()
            .childJvm()
            .childJvmOption("-Xmx1g")
            .brokerProperty("log.segment.bytes", Integer.toString(256 * 1024 * 1024))
            .start()) {
      kafka.createTopic(TOPIC, PARTITIONS);
      long produceStart = System.nanoTime();
      produce(kafka, records, recordBytes);
      System.out.printf("produced in %.1f s%n", (System.nanoTime() - produceStart) / 1e9);

      List<Result> consumer = new ArrayList<>();
      List<Result> shardline = new ArrayList<>();
      // a first, unmeasured drain of each warms the JIT and the broker's page cache
      drainWithConsumer(kafka, records);
      drainWithShardline(kafka, records, recordBytes);
      for (int round = 1; round <= rounds; round++) {
        Result c = drainWithConsumer(kafka, records);
        Result s = drainWithShardline(kafka, records, recordBytes);
        consumer.add(c);
        shardline.add(s);
        System.out.printf(
            "round %d: KafkaConsumer %s | KafkaSource %s | ratio %.3f%n",
            round, c, s, s.recordsPerSecond() / c.recordsPerSecond());
      }
      Result c = Result.total(consumer);
      Result s = Result.total(shardline);
      System.out.printf(Locale.ROOT, "%nall rounds:%n");
      System.out.printf("| reader | records/s | CPU s per million records |%n|---|---|---|%n");
      System.out.printf(
          Locale.ROOT,
          "| plain KafkaConsumer loop | %,.0f | %.2f |%n",
          c.recordsPerSecond(),
          c.cpuPerMillion());
      System.out.printf(
          Locale.ROOT,
          "| KafkaSource (pipeline, parallelism 1) | %,.0f | %.2f |%n",
          s.recordsPerSecond(),
          s.cpuPerMillion());
      System.out.printf(
          Locale.ROOT,
          "ratio KafkaSource / KafkaConsumer: %.3f records/s, %.3f CPU per record%n",
          s.recordsPerSecond() / c.recordsPerSecond(),
          s.cpuPerMillion() / c.cpuPerMillion());
    }
  }

  private static void produce(LocalKafka kafka, long records, int recordBytes) throws Exception {
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
    Random random = new Random(42);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<?>> pending = new ArrayList<>();
      for (long i = 0; i < records; i++) {
        byte[] value = new byte[recordBytes];
        for (int b = 0; b < recordBytes; b++) {
          value[b] = (byte) ('a' + random.nextInt(26));
        }
        pending.add(
            producer.send(new ProducerRecord<>(TOPIC, (int) (i % PARTITIONS), null, value)));
        if (pending.size() == 100_000) {
          for (Future<?> f : pending) {
            f.get(5, TimeUnit.MINUTES);
          }
          pending.clear();
        }
      }
      producer.flush();
      for (Future<?> f : pending) {
        f.get(5, TimeUnit.MINUTES);
      }
    }
  }

  private static Result drainWithConsumer(LocalKafka kafka, long records) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Meter meter = Meter.start();
    long count = 0;
    long bytes = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(TOPIC, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (count < records) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          count++;
          bytes += r.value().length;
        }
      }
    }
    return meter.stop(count, bytes);
  }

  private static Result drainWithShardline(LocalKafka kafka, long records, int recordBytes)
      throws Exception {
    CountingSink sink = new CountingSink();
    Path checkpoints = Files.createTempDirectory("shardline-kafka-bench-");
    Pipeline pipeline =
        Pipeline.from(
                KafkaSource.builder()
                    .format(BytesFormat.INSTANCE)
                    .bootstrapServers(kafka.bootstrapServers())
                    .topics(TOPIC)
                    .build())
            .to(sink)
            .name("kafka-bench")
            .parallelism(1)
            .checkpointInterval(Duration.ofSeconds(10))
            .checkpointDirectory(checkpoints)
            .build();
    Meter meter = Meter.start();
    pipeline.start();
    while (sink.records.sum() < records) {
      Thread.sleep(1);
    }
    Result result = meter.stop(sink.records.sum(), sink.bytes.sum());
    pipeline.stop();
    // the topic holds exactly `records` records: more would mean a record was emitted twice
    if (sink.records.sum() != records || sink.bytes.sum() != records * recordBytes) {
      throw new IllegalStateException(
          "KafkaSource emitted "
              + sink.records.sum()
              + " records ("
              + sink.bytes.sum()
              + " bytes) from a topic of "
              + records);
    }
    return result;
  }

  /** Counts records and bytes as they arrive. */
  private static final class CountingSink implements Sink<byte[]> {
    final LongAdder records = new LongAdder();
    final LongAdder bytes = new LongAdder();

    @Override
    public SinkWriter<byte[]> createWriter(SinkContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(byte[] record) {
          records.increment();
          bytes.add(record.length);
        }

        @Override
        public void flush() {}
      };
    }
  }

  /** Wall and process CPU time from start to stop. */
  private record Meter(long wallNanos, long cpuNanos) {
    private static final OperatingSystemMXBean OS =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static Meter start() {
      return new Meter(System.nanoTime(), OS.getProcessCpuTime());
    }

    Result stop(long records, long bytes) {
      return new Result(
          records, bytes, System.nanoTime() - wallNanos, OS.getProcessCpuTime() - cpuNanos);
    }
  }

  /** One drain. */
  private record Result(long records, long bytes, long wallNanos, long cpuNanos) {
    static Result total(List<Result> results) {
      return new Result(
          results.stream().mapToLong(Result::records).sum(),
          results.stream().mapToLong(Result::bytes).sum(),
          results.stream().mapToLong(Result::wallNanos).sum(),
          results.stream().mapToLong(Result::cpuNanos).sum());
    }

    double recordsPerSecond() {
      return records / (wallNanos / 1e9);
    }

    double cpuPerMillion() {
      return (cpuNanos / 1e9) / (records / 1e6);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,.0f records/s, %.2f CPU s per million (%.1f s)",
          recordsPerSecond(),
          cpuPerMillion(),
          wallNanos / 1e9);
    }
  }
}
