/**
 * {@link dev.shardline.testkit.proxy.KinesisQuotaProxy}: an HTTP proxy in front of a local Kinesis
 * server that enforces the per-shard quotas of Kinesis Data Streams ({@link
 * dev.shardline.testkit.proxy.ShardQuotas}), injects {@link dev.shardline.testkit.proxy.Fault}s on
 * demand ({@link dev.shardline.testkit.proxy.Faults}) and counts what it did ({@link
 * dev.shardline.testkit.proxy.ProxyCounters}). The machinery lives in {@code internal}; nothing
 * there is API.
 */
package dev.shardline.testkit.proxy;
