package dev.shardline.cli.demo;

import java.nio.file.Path;

/**
 * What the demo does.
 *
 * @param records how many events the writer puts into Kinesis
 * @param ratePerSecond how fast it writes them
 * @param killAt the fraction of the events the pipeline has read when it is killed
 * @param directory where the pipeline files and checkpoints go (emptied first)
 * @param server which local Kinesis server to start
 */
public record DemoSettings(
    long records, double ratePerSecond, double killAt, Path directory, KinesisServer server) {

  /** The local Kinesis servers of the testkit. */
  public enum KinesisServer {
    /** kinesis-local (npm), the Kinesis mock LocalStack uses; about 900 records/s of writes. */
    KINESIS_LOCAL,
    /** kinesalite (npm), about 14,000 records/s of writes; JSON protocol (CBOR off). */
    KINESALITE
  }
}
