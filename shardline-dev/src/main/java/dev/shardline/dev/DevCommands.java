package dev.shardline.dev;

import dev.shardline.cli.SubcommandProvider;
import java.util.List;

/** {@code shardline demo} and {@code shardline dev}, found by the command through ServiceLoader. */
public final class DevCommands implements SubcommandProvider {
  @Override
  public List<Object> subcommands() {
    return List.of(new DemoCommand(), new DevCommand());
  }
}
