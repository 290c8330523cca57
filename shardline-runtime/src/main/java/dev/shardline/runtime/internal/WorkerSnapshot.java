package dev.shardline.runtime.internal;

import dev.shardline.runtime.checkpoint.StateBlob;
import java.util.List;
import java.util.Map;

/**
 * What one worker reports for a checkpoint, already serialized on the worker's thread.
 *
 * @param worker the worker's index
 * @param checkpointId the checkpoint
 * @param splits its reader's splits with their positions
 * @param writerStates per sink id, its writer's states
 * @param committables per sink id, its writer's committables
 * @param recordsRead how many records its reader handed downstream since the worker started
 */
record WorkerSnapshot(
    int worker,
    long checkpointId,
    List<StateBlob> splits,
    Map<String, List<StateBlob>> writerStates,
    Map<String, List<StateBlob>> committables,
    long recordsRead) {}
