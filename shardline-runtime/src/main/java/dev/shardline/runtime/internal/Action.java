package dev.shardline.runtime.internal;

/** A message in a coordinator's or worker's mailbox: code to run on that thread. */
@FunctionalInterface
interface Action {
  void run() throws Exception;
}
