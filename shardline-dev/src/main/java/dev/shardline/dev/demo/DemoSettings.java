package dev.shardline.dev.demo;

import java.nio.file.Path;

/**
 * What the demo does.
 *
 * @param records how many events the writer puts into Kinesis
 * @param killAt the fraction of the events the pipeline has read when it is killed
 * @param directory where the pipeline files and checkpoints go (emptied first)
 */
public record DemoSettings(long records, double killAt, Path directory) {}
