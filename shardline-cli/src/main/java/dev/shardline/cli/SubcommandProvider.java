package dev.shardline.cli;

import java.util.List;

/**
 * Subcommands of {@code shardline} that live outside the command's own jar, found with {@link
 * java.util.ServiceLoader} ({@code META-INF/services/dev.shardline.cli.SubcommandProvider}).
 *
 * <p>The {@code shardline-dev} module provides {@code demo} and {@code dev}: they start local
 * servers (the testkit's kinesis-local and Kafka broker), which the command's jar does not carry.
 * The launcher puts that module on the class path only for those two commands; without it, {@link
 * Main} answers them with a message saying how to get them.
 */
public interface SubcommandProvider {
  /**
   * The subcommands to add: picocli command objects (classes annotated with {@code @Command}), in
   * the order the usage lists them.
   */
  List<Object> subcommands();
}
