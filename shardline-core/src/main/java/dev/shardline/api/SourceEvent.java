package dev.shardline.api;

import java.io.Serializable;

/**
 * A message between a source's readers and its enumerator, e.g. "these splits are finished". Must
 * be serializable: on Flink, events cross process boundaries.
 */
public interface SourceEvent extends Serializable {}
