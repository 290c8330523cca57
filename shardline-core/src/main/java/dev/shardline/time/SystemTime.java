package dev.shardline.time;

/** {@link Time} backed by the system clock; use {@link Time#SYSTEM}. */
final class SystemTime implements Time {
  @Override
  public long milliseconds() {
    return System.currentTimeMillis();
  }

  @Override
  public long nanoseconds() {
    return System.nanoTime();
  }

  @Override
  public void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
