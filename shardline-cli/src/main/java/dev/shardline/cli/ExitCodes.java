package dev.shardline.cli;

/** The command's exit codes. */
public final class ExitCodes {
  private ExitCodes() {}

  /** Done: the pipeline finished or was stopped, the file is valid. */
  public static final int OK = 0;

  /** The pipeline failed, the file is invalid, or a command could not do its work. */
  public static final int FAILED = 1;

  /** Wrong usage: an unknown option or a missing argument (picocli's code). */
  public static final int USAGE = 2;
}
