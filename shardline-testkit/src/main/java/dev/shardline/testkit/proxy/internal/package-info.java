/**
 * The machinery of {@link dev.shardline.testkit.proxy.KinesisQuotaProxy}: the Netty server and
 * upstream client, the request processor, quota accounting, shard maps, wire protocols. Not API: it
 * changes without notice.
 */
package dev.shardline.testkit.proxy.internal;
