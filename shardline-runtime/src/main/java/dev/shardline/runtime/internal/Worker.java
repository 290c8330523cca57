package dev.shardline.runtime.internal;

import dev.shardline.api.CommittingSinkWriter;
import dev.shardline.api.DeadLetter;
import dev.shardline.api.DeadLetterOutput;
import dev.shardline.api.InputStatus;
import dev.shardline.api.ReaderOutput;
import dev.shardline.api.Sink;
import dev.shardline.api.SinkWriter;
import dev.shardline.api.Source;
import dev.shardline.api.SourceEvent;
import dev.shardline.api.SourceReader;
import dev.shardline.api.SourceReaderContext;
import dev.shardline.api.SourceSplit;
import dev.shardline.api.StatefulSink;
import dev.shardline.api.StatefulSinkWriter;
import dev.shardline.runtime.checkpoint.StateBlob;
import dev.shardline.state.VersionedSerializer;
import dev.shardline.time.Time;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread: a {@link SourceReader}, the compiled function chain, and one {@link
 * SinkWriter} per sink. Everything it owns is touched only by its own thread; others talk to it
 * through its FIFO mailbox, which it drains between two {@code pollNext} calls (the record boundary
 * where checkpoints are taken). Its writers' mails ({@link RuntimeWriterMailbox}) and timers
 * ({@link MailboxTimerService}, through the writer's mailbox) arrive there too, so they run on this
 * thread, between records, or earlier where a writer yields.
 */
final class Worker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final Action WAKE_UP = () -> {};

  /** What a worker starts from. */
  record Setup(
      List<SourceSplit> restoredSplits,
      Map<String, List<Object>> restoredWriterStates,
      OptionalLong restoredCheckpointId,
      long firstCheckpointId) {}

  /** A sink and this worker's writer for it, with the writer's timers and mailbox. */
  private record Slot(
      String sinkId,
      SinkWriter<Object> writer,
      MailboxTimerService timers,
      RuntimeWriterMailbox mailbox,
      VersionedSerializer<Object> stateSerializer,
      VersionedSerializer<Object> committableSerializer) {}

  private final int index;
  private final Execution execution;
  private final PipelineSpec spec;
  private final Setup setup;
  private final PipelineMetrics.WorkerCounters counters;
  private final LinkedBlockingQueue<Action> mailbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean exit;
  // true once the reader and writers exist (creating them may wait on a server that is down)
  private volatile boolean started;
  private volatile Throwable failure;

  // owned by the worker thread
  private SourceReader<Object, SourceSplit> reader;
  private final List<Slot> slots = new ArrayList<>();
  private Slot deadLetterSlot;
  private Output output;
  private boolean endOfInput;
  private boolean halted;

  Worker(int index, Execution execution, PipelineSpec spec, Setup setup, PipelineMetrics metrics) {
    this.index = index;
    this.execution = execution;
    this.spec = spec;
    this.setup = setup;
    this.counters = metrics.worker(index);
    this.thread = new Thread(this, "shardline-" + spec.name() + "-worker-" + index);
  }

  void start() {
    thread.start();
  }

  /** Runs {@code action} on this worker's thread, after everything posted before it. */
  void post(Action action) {
    mailbox.add(action);
  }

  /**
   * Asks the thread to end at its next record boundary, without a checkpoint and without running
   * what its mailbox still holds: for a run that failed.
   */
  void requestExit() {
    exit = true;
    mailbox.add(WAKE_UP);
  }

  /**
   * Asks the thread to end once it has run everything posted before this call, such as the final
   * checkpoint's {@code notifyCheckpointComplete}: for a run that ended well.
   */
  void postExit() {
    mailbox.add(() -> exit = true);
  }

  /**
   * What the thread failed with while not asked to exit, or null; read after it ended. A failure
   * after the coordinator stopped reading its mailbox (in the final notification) shows only here.
   */
  Throwable failure() {
    return failure;
  }

  Thread thread() {
    return thread;
  }

  /** Whether its reader and writers are created; until then it cannot take a checkpoint. */
  boolean isStarted() {
    return started;
  }

  @Override
  public void run() {
    try {
      init();
      started = true;
      loop();
    } catch (Throwable t) {
      Throwable cause = t instanceof RecordFailure failure ? failure.getCause() : t;
      if (exit) {
        LOG.debug("Worker {} ended while stopping: {}", index, cause.toString());
      } else {
        failure = cause;
        execution.post(
            () -> {
              throw new WorkerFailedException(spec.name(), index, cause);
            });
      }
    } finally {
      closeAll();
    }
  }

  @SuppressWarnings("unchecked")
  private void init() throws Exception {
    MeterRegistry readerMetrics = execution.metrics().tagged("reader", Integer.toString(index));
    DeadLetterOutput deadLetters =
        spec.deadLetterSink() == null
            ? DeadLetters.notConfigured(spec.name())
            : DeadLetters.toWriter(
                () -> (SinkWriter<DeadLetter>) (SinkWriter<?>) deadLetterSlot.writer);
    Source<Object, SourceSplit, Object> source =
        (Source<Object, SourceSplit, Object>) spec.source();
    reader =
        source.createReader(
            new ReaderContext(index, spec.parallelism(), deadLetters, readerMetrics, spec.time()));
    for (int i = 0; i < spec.sinks().size(); i++) {
      slots.add(createSlot(PipelineSpec.sinkId(i), spec.sinks().get(i), deadLetters));
    }
    if (spec.deadLetterSink() != null) {
      deadLetterSlot =
          createSlot(
              PipelineSpec.DEAD_LETTER_SINK_ID,
              spec.deadLetterSink(),
              DeadLetters.notConfigured(spec.name()));
    }
    output = new Output(RecordChain.compile(spec.ops(), terminal()));
    if (!setup.restoredSplits().isEmpty()) {
      reader.addSplits(setup.restoredSplits());
    }
    reader.start();
  }

  @SuppressWarnings("unchecked")
  private Slot createSlot(String sinkId, Sink<?> sink, DeadLetterOutput deadLetters)
      throws Exception {
    RuntimeWriterMailbox mailbox = new RuntimeWriterMailbox(this::post, thread);
    MailboxTimerService timers =
        new MailboxTimerService(spec.time(), mailbox::post, execution.timerScheduler());
    RuntimeSinkContext context =
        new RuntimeSinkContext(
            sinkId,
            index,
            spec.parallelism(),
            spec.name(),
            deadLetters,
            execution.metrics().tagged("sink", sinkId, "writer", Integer.toString(index)),
            spec.time(),
            setup.restoredCheckpointId(),
            setup.firstCheckpointId(),
            new RuntimeSinkContext.WriterThread(timers, mailbox));
    List<Object> states = setup.restoredWriterStates().get(sinkId);
    SinkWriter<Object> writer;
    VersionedSerializer<Object> stateSerializer = null;
    if (sink instanceof StatefulSink<?, ?> stateful) {
      StatefulSink<Object, Object> s = (StatefulSink<Object, Object>) stateful;
      stateSerializer = s.writerStateSerializer();
      writer = states != null ? s.restoreWriter(context, states) : s.createWriter(context);
    } else {
      writer = ((Sink<Object>) sink).createWriter(context);
    }
    VersionedSerializer<Object> committableSerializer =
        sink instanceof dev.shardline.api.TransactionalSink<?, ?> transactional
            ? (VersionedSerializer<Object>) transactional.committableSerializer()
            : null;
    return new Slot(sinkId, writer, timers, mailbox, stateSerializer, committableSerializer);
  }

  private RecordChain.Downstream terminal() {
    if (slots.size() == 1) {
      SinkWriter<Object> writer = slots.get(0).writer();
      return record -> {
        writer.write(record);
        output.out++;
      };
    }
    SinkWriter<?>[] writers = slots.stream().map(Slot::writer).toArray(SinkWriter<?>[]::new);
    return record -> {
      for (SinkWriter<?> writer : writers) {
        @SuppressWarnings("unchecked")
        SinkWriter<Object> w = (SinkWriter<Object>) writer;
        w.write(record);
      }
      output.out++;
    };
  }

  private void loop() throws Exception {
    CompletableFuture<Void> watched = null;
    while (!exit) {
      if (!mailbox.isEmpty()) {
        // what is there now, not what these actions post: a timer callback that registers a due
        // timer again (or anything posting as fast as it runs) must not keep the reader waiting
        for (int n = mailbox.size(); n > 0 && !exit; n--) {
          mailbox.poll().run();
        }
        if (exit || halted || endOfInput) {
          continue;
        }
      } else if (halted || endOfInput) {
        mailbox.take().run();
        continue;
      }
      InputStatus status = reader.pollNext(output);
      output.publish();
      if (status == InputStatus.NOTHING_AVAILABLE) {
        CompletableFuture<Void> available = reader.isAvailable();
        if (!available.isDone()) {
          if (available != watched) {
            watched = available;
            available.whenComplete((v, e) -> mailbox.add(WAKE_UP));
          }
          mailbox.take().run();
        }
      } else if (status == InputStatus.END_OF_INPUT) {
        endOfInput = true;
        execution.post(() -> execution.onEndOfInput(index));
      }
    }
  }

  // --- actions the coordinator posts ---

  void addSplits(List<SourceSplit> splits) {
    reader.addSplits(splits);
  }

  void notifyNoMoreSplits() {
    reader.notifyNoMoreSplits();
  }

  void handleSourceEvent(SourceEvent event) {
    reader.handleSourceEvent(event);
  }

  void notifyCheckpointComplete(long checkpointId) throws Exception {
    reader.notifyCheckpointComplete(checkpointId);
  }

  /**
   * Checkpoint {@code checkpointId} at this record boundary: flush every writer (the dead-letter
   * writer last, since flushing the others may dead-letter records), take committables and writer
   * states, then the reader's splits, and report them. All of it is one mailbox message, so no
   * writer's timer fires in between: a timer callback is like a write, before or after the
   * checkpoint (unless the writer yields in its flush, which runs its own mails and timers). After
   * a final checkpoint the worker reads nothing more and its writers' timers and mails are dropped,
   * so nothing reaches a sink after the last checkpoint of a graceful stop.
   */
  void checkpoint(long checkpointId, boolean isFinal) throws Exception {
    List<Slot> all = new ArrayList<>(slots);
    if (deadLetterSlot != null) {
      all.add(deadLetterSlot);
    }
    for (Slot slot : all) {
      slot.writer().flush();
    }
    Map<String, List<StateBlob>> writerStates = new HashMap<>();
    Map<String, List<StateBlob>> committables = new HashMap<>();
    for (Slot slot : all) {
      if (slot.writer() instanceof CommittingSinkWriter<?, ?> committing) {
        committables.put(
            slot.sinkId(), serialize(slot.committableSerializer(), committing.prepareCommit()));
      }
      if (slot.writer() instanceof StatefulSinkWriter<?, ?> stateful
          && slot.stateSerializer() != null) {
        writerStates.put(
            slot.sinkId(), serialize(slot.stateSerializer(), stateful.snapshotState(checkpointId)));
      }
    }
    @SuppressWarnings("unchecked")
    VersionedSerializer<SourceSplit> splitSerializer =
        (VersionedSerializer<SourceSplit>) spec.source().splitSerializer();
    List<StateBlob> splits = serialize(splitSerializer, reader.snapshotState(checkpointId));
    WorkerSnapshot snapshot =
        new WorkerSnapshot(
            index,
            checkpointId,
            splits,
            writerStates,
            committables,
            output == null ? 0 : output.in);
    execution.post(() -> execution.onSnapshot(snapshot));
    if (isFinal) {
      halted = true;
      all.forEach(Worker::closeTimersAndMails);
    }
  }

  private static void closeTimersAndMails(Slot slot) {
    slot.timers().close();
    slot.mailbox().close();
  }

  @SuppressWarnings("unchecked")
  private static <T> List<StateBlob> serialize(
      VersionedSerializer<T> serializer, Collection<?> values) throws Exception {
    List<StateBlob> blobs = new ArrayList<>(values.size());
    for (Object value : values) {
      blobs.add(StateBlob.of(serializer, (T) value));
    }
    return blobs;
  }

  private void closeAll() {
    // first, so no timer or mail of these writers runs again (a restart makes new workers)
    slots.forEach(Worker::closeTimersAndMails);
    if (deadLetterSlot != null) {
      closeTimersAndMails(deadLetterSlot);
    }
    List<AutoCloseable> closeables = new ArrayList<>();
    closeables.add(reader);
    slots.forEach(s -> closeables.add(s.writer()));
    if (deadLetterSlot != null) {
      closeables.add(deadLetterSlot.writer());
    }
    for (AutoCloseable closeable : closeables) {
      if (closeable == null) {
        continue;
      }
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("Worker {}: closing {} failed", index, closeable, e);
      }
    }
  }

  /** Where the reader's records enter the chain; counts them. */
  private final class Output implements ReaderOutput<Object> {
    private final RecordChain.Downstream chain;
    long in;
    long out;
    private long publishedIn;
    private long publishedOut;

    Output(RecordChain.Downstream chain) {
      this.chain = chain;
    }

    @Override
    public void collect(Object record) {
      in++;
      try {
        chain.accept(record);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new RecordFailure(e);
      }
    }

    /** Makes the counts visible to metrics; once per poll, not once per record. */
    void publish() {
      if (in != publishedIn) {
        counters.recordsIn += in - publishedIn;
        publishedIn = in;
      }
      if (out != publishedOut) {
        counters.recordsOut += out - publishedOut;
        publishedOut = out;
      }
    }
  }

  /** Carries a checked exception from a function or writer through {@link ReaderOutput}. */
  private static final class RecordFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordFailure(Exception cause) {
      super(cause);
    }
  }

  /** What a reader's context does on the embedded runner. */
  private final class ReaderContext implements SourceReaderContext {
    private final int readerIndex;
    private final int parallelism;
    private final DeadLetterOutput deadLetters;
    private final MeterRegistry metrics;
    private final Time time;

    ReaderContext(
        int readerIndex,
        int parallelism,
        DeadLetterOutput deadLetters,
        MeterRegistry metrics,
        Time time) {
      this.readerIndex = readerIndex;
      this.parallelism = parallelism;
      this.deadLetters = deadLetters;
      this.metrics = metrics;
      this.time = time;
    }

    @Override
    public int readerIndex() {
      return readerIndex;
    }

    @Override
    public int parallelism() {
      return parallelism;
    }

    @Override
    public void sendEventToEnumerator(SourceEvent event) {
      execution.post(() -> execution.onSourceEvent(readerIndex, event));
    }

    @Override
    public DeadLetterOutput deadLetters() {
      return deadLetters;
    }

    @Override
    public MeterRegistry metrics() {
      return metrics;
    }

    @Override
    public Time time() {
      return time;
    }
  }
}
