package dev.shardline.testkit.proxy;

import java.util.HashMap;
import java.util.Map;

/**
 * A Kinesis Data Streams API operation, as named by the {@code X-Amz-Target} header of a request
 * ({@code Kinesis_20131202.PutRecords} is {@link #PUT_RECORDS}). Used to aim faults at an operation
 * and to read per-operation counters of a {@link KinesisQuotaProxy}. Operations this enum does not
 * list are {@link #OTHER}. Immutable.
 *
 * <pre>{@code
 * proxy.faults().failNext(Operation.GET_RECORDS, 2, Fault.INTERNAL_ERROR);
 * long puts = proxy.counters().forwardedRequests(Operation.PUT_RECORDS);
 * }</pre>
 */
public enum Operation {
  ADD_TAGS_TO_STREAM("AddTagsToStream"),
  CREATE_STREAM("CreateStream"),
  DECREASE_STREAM_RETENTION_PERIOD("DecreaseStreamRetentionPeriod"),
  DELETE_STREAM("DeleteStream"),
  DEREGISTER_STREAM_CONSUMER("DeregisterStreamConsumer"),
  DESCRIBE_LIMITS("DescribeLimits"),
  DESCRIBE_STREAM("DescribeStream"),
  DESCRIBE_STREAM_CONSUMER("DescribeStreamConsumer"),
  DESCRIBE_STREAM_SUMMARY("DescribeStreamSummary"),
  DISABLE_ENHANCED_MONITORING("DisableEnhancedMonitoring"),
  ENABLE_ENHANCED_MONITORING("EnableEnhancedMonitoring"),
  GET_RECORDS("GetRecords"),
  GET_SHARD_ITERATOR("GetShardIterator"),
  INCREASE_STREAM_RETENTION_PERIOD("IncreaseStreamRetentionPeriod"),
  LIST_SHARDS("ListShards"),
  LIST_STREAM_CONSUMERS("ListStreamConsumers"),
  LIST_STREAMS("ListStreams"),
  LIST_TAGS_FOR_STREAM("ListTagsForStream"),
  MERGE_SHARDS("MergeShards"),
  PUT_RECORD("PutRecord"),
  PUT_RECORDS("PutRecords"),
  REGISTER_STREAM_CONSUMER("RegisterStreamConsumer"),
  REMOVE_TAGS_FROM_STREAM("RemoveTagsFromStream"),
  SPLIT_SHARD("SplitShard"),
  START_STREAM_ENCRYPTION("StartStreamEncryption"),
  STOP_STREAM_ENCRYPTION("StopStreamEncryption"),
  SUBSCRIBE_TO_SHARD("SubscribeToShard"),
  UPDATE_SHARD_COUNT("UpdateShardCount"),
  UPDATE_STREAM_MODE("UpdateStreamMode"),
  /** Any operation not listed above, and requests without a Kinesis {@code X-Amz-Target}. */
  OTHER(null);

  private static final String TARGET_PREFIX = "Kinesis_20131202.";
  private static final Map<String, Operation> BY_API_NAME = new HashMap<>();

  static {
    for (Operation operation : values()) {
      if (operation.apiName != null) {
        BY_API_NAME.put(operation.apiName, operation);
      }
    }
  }

  private final String apiName;

  Operation(String apiName) {
    this.apiName = apiName;
  }

  /** The API name ({@code "PutRecords"}), or null for {@link #OTHER}. */
  public String apiName() {
    return apiName;
  }

  /**
   * The operation an {@code X-Amz-Target} header names; {@link #OTHER} for a null, foreign or
   * unknown target.
   */
  public static Operation fromTarget(String target) {
    if (target == null || !target.startsWith(TARGET_PREFIX)) {
      return OTHER;
    }
    return BY_API_NAME.getOrDefault(target.substring(TARGET_PREFIX.length()), OTHER);
  }
}
