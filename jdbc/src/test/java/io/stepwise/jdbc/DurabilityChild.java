package io.stepwise.jdbc;

import io.stepwise.runtime.store.Checkpoint;
import io.stepwise.runtime.store.CheckpointKind;
import io.stepwise.runtime.store.NewRun;
import io.stepwise.runtime.store.RunEnd;
import io.stepwise.runtime.store.RunStatus;
import io.stepwise.runtime.store.RunTypes;
import io.stepwise.runtime.store.RunUpdate;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The process {@link DurabilityTest} kills: 8 threads run fake workflow runs on a JdbcRunStore
 * (begin, 5 checkpoints, end) as fast as they can, and print each write whose future completed, one
 * line per write, after it completed: {@code B tx}, {@code C tx seq}, {@code E tx}. Its output is
 * the record of what the store acknowledged, kept outside the store.
 *
 * <p>Arguments: {@code h2|postgresql}, the JDBC URL, the table prefix, and a name for this round.
 */
public final class DurabilityChild {
  static final RunTypes TYPES = RunTypes.builder("durable", String.class, String.class)
      .step(0, String.class, String.class)
      .build();
  static final int THREADS = 8;
  static final int STEPS = 5;

  private DurabilityChild() {}

  public static void main(String[] args) throws Exception {
    DataSource dataSource;
    if (args[0].equals("h2")) {
      dataSource = TestDatabases.h2Url(args[1], "sa", "");
    } else {
      PGSimpleDataSource postgres = new PGSimpleDataSource();
      postgres.setURL(args[1]);
      dataSource = postgres;
    }
    String round = args[3];
    PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256), false,
        StandardCharsets.UTF_8);
    JdbcRunStore store = JdbcRunStore.builder(dataSource).tablePrefix(args[2]).build();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        for (int r = 0; ; r++) {
          String tx = round + "-" + thread + "-" + r;
          store.begin(TYPES, NewRun.builder(tx, "fp").input("in " + tx).build()).join();
          acknowledge(out, "B " + tx);
          for (int s = 0; s < STEPS; s++) {
            store.append(TYPES, tx, RunUpdate.of(Checkpoint.builder(s, CheckpointKind.STEP_COMPLETED, 0, "step")
                .attempts(1).output(tx + "/" + s).compensationInput("undo " + s).build())).join();
            acknowledge(out, "C " + tx + " " + s);
          }
          store.append(TYPES, tx, RunUpdate.ending(List.of(),
              new RunEnd(RunStatus.DONE, "result " + tx, List.of(), Instant.now()))).join();
          acknowledge(out, "E " + tx);
        }
      }, "runs-" + t);
      worker.setDaemon(true);
      worker.start();
    }
    Thread.sleep(60_000);   // the test kills it long before; this only ends an orphan
    System.exit(1);
  }

  /** Writes one whole line with one write, so that a kill never leaves half a line. */
  private static void acknowledge(PrintStream out, String line) {
    synchronized (out) {
      out.print(line + "\n");
      out.flush();
    }
  }
}
