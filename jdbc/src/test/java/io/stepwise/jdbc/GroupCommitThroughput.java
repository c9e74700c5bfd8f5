package io.stepwise.jdbc;

import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * Measures group commit (a measurement, not a test: speed belongs to JMH): appends per second from 1
 * and from 32 threads, each appending the checkpoints of its own run and waiting for each to be
 * durable, on PostgreSQL (embedded) and H2 (a file), with the commits they took. Run it with the test
 * class path:
 *
 * <pre>
 * mvn -B -q -pl runtime,jdbc test-compile
 * java -cp jdbc/target/test-classes:jdbc/target/classes:runtime/target/classes:&lt;test dependencies&gt; \
 *     io.stepwise.jdbc.GroupCommitThroughput [seconds per measurement, default 3]
 * </pre>
 */
public final class GroupCommitThroughput {
  private static final RunTypes TYPES = RunTypes.builder("bench", String.class, String.class)
      .step(0, RunStoreContract.Item.class, String.class)
      .build();

  private GroupCommitThroughput() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Path dir = Files.createTempDirectory("group-commit");
    measure("PostgreSQL", TestDatabases.postgres(), seconds);
    measure("H2 file", TestDatabases.h2(dir.resolve("bench")), seconds);
    System.exit(0);   // the embedded server stops with the JVM
  }

  private static void measure(String database, DataSource dataSource, int seconds) throws Exception {
    for (int threads : new int[] {1, 32}) {
      try (JdbcRunStore store = JdbcRunStore.builder(dataSource).tablePrefix(TestDatabases.uniquePrefix()).build()) {
        run(store, threads, 1);   // warm-up
        long commits = store.commits();
        long appends = run(store, threads, seconds);
        commits = store.commits() - commits;
        System.out.printf("%-10s %2d thread(s): %,8.0f appends/s, %,7.0f commits/s, %5.1f appends per commit%n",
            database, threads, appends / (double) seconds, commits / (double) seconds, appends / (double) commits);
      }
    }
  }

  /** Appends from {@code threads} threads for {@code seconds}; returns how many appends completed. */
  private static long run(JdbcRunStore store, int threads, int seconds) throws InterruptedException {
    LongAdder appends = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    String round = Long.toString(System.nanoTime());
    for (int t = 0; t < threads; t++) {
      String tx = round + "-" + t;
      Thread worker = new Thread(() -> {
        store.begin(TYPES, NewRun.builder(tx, "fp").input("in").build()).join();
        for (int seq = 0; !stop.get(); seq++) {
          store.append(TYPES, tx, RunUpdate.of(Checkpoint.builder(seq, CheckpointKind.STEP_COMPLETED, 0, "step")
              .attempts(1).output(new RunStoreContract.Item("sku-" + seq, seq, java.math.BigDecimal.TEN))
              .compensationInput("undo-" + seq).build())).join();
          appends.increment();
        }
      });
      workers.add(worker);
      worker.start();
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
    return appends.sum();
  }
}
