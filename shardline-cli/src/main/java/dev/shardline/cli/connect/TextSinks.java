package dev.shardline.cli.connect;

import dev.shardline.api.Sink;
import dev.shardline.config.Configuration;
import dev.shardline.config.OptionSet;
import dev.shardline.connectors.file.FileSink;
import dev.shardline.connectors.file.FileSinkOptions;
import dev.shardline.connectors.stdout.StdoutSink;
import dev.shardline.connectors.stdout.StdoutSinkOptions;

/** The runtime's text sinks as pipeline-file sink types: {@code file} and {@code stdout}. */
final class TextSinks {
  private TextSinks() {}

  /**
   * What a text sink gets: the value, with bytes as UTF-8 text (format lines prints it as is;
   * json-lines writes JSON as JSON and text as a JSON string).
   */
  static Object textValue(PipelineRecord record) {
    return record.value() instanceof byte[] ? record.text() : record.value();
  }

  /** {@code type: file}. */
  static final class File implements SinkType {
    @Override
    public String name() {
      return "file";
    }

    @Override
    public String summary() {
      return "Part files in a directory, one line per record, exactly once: a part becomes"
          + " visible (renamed from .inprogress) when its checkpoint is durable.";
    }

    @Override
    public OptionSet options() {
      return FileSinkOptions.OPTIONS;
    }

    @Override
    public Sink<PipelineRecord> create(Configuration config) {
      return MappedSinks.map(FileSink.fromConfiguration(config), TextSinks::textValue);
    }
  }

  /** {@code type: stdout}. */
  static final class Stdout implements SinkType {
    @Override
    public String name() {
      return "stdout";
    }

    @Override
    public String summary() {
      return "Prints one line per record to standard output, flushed at every checkpoint (at"
          + " least once).";
    }

    @Override
    public OptionSet options() {
      return StdoutSinkOptions.OPTIONS;
    }

    @Override
    public Sink<PipelineRecord> create(Configuration config) {
      return MappedSinks.map(StdoutSink.fromConfiguration(config), TextSinks::textValue);
    }
  }
}
