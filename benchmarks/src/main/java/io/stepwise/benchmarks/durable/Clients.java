package io.stepwise.benchmarks.durable;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs {@code n} client threads, each calling its {@link Client} in a loop, for a warm-up and then
 * for a measured time, and counts the calls that completed in each phase (and after it, while the
 * clients stop).
 */
final class Clients {
  private static final int WARM_UP = 0;
  private static final int MEASURE = 1;
  private static final int STOP = 2;

  private Clients() {}

  /** One client's connection to the system measured; called from one thread only. */
  interface Client extends AutoCloseable {
    /** One call (an INSERT+COMMIT, a run) with a unique id: a row key, a transaction or workflow id. */
    void call(String id) throws Exception;

    @Override
    default void close() throws SQLException {}
  }

  /** Opens the client of thread {@code index}. */
  @FunctionalInterface
  interface Opener {
    Client open(int index) throws Exception;
  }

  /**
   * What a measurement counted: the calls completed during the warm-up, during the measured time
   * ({@code seconds}), and after it, before the clients stopped.
   */
  record Counted(long warmUp, long measured, long tail, double seconds) {
    double perSecond() {
      return measured / seconds;
    }

    long total() {
      return warmUp + measured + tail;
    }
  }

  /** Measures {@code n} clients; ids are {@code tag-client-sequence}. Throws the first failure of a call. */
  static Counted run(String tag, int n, Opener opener, int warmUpSeconds, int seconds) throws Exception {
    LongAdder[] counts = {new LongAdder(), new LongAdder(), new LongAdder()};
    AtomicInteger phase = new AtomicInteger(WARM_UP);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(n);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      int index = t;
      Thread thread = new Thread(() -> {
        try (Client client = opener.open(index)) {
          ready.countDown();
          for (long seq = 0; ; seq++) {
            if (phase.get() == STOP || failure.get() != null) {
              break;
            }
            client.call(tag + "-" + index + "-" + seq);
            counts[phase.get()].increment();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          ready.countDown();
        }
      }, tag + "-client-" + t);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    Thread.sleep(warmUpSeconds * 1000L);
    phase.set(MEASURE);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    phase.set(STOP);
    double elapsed = (System.nanoTime() - start) / 1e9;
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(tag + ": a client failed: " + failure.get(), failure.get());
    }
    return new Counted(counts[WARM_UP].sum(), counts[MEASURE].sum(), counts[STOP].sum(), elapsed);
  }
}
