package io.stepwise.crash;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowWaitingException;
import io.stepwise.runtime.store.RunHeader;
import io.stepwise.runtime.store.RunQuery;
import io.stepwise.runtime.store.RunStatus;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The process that {@link CrashTest} kills: it opens the store, builds the engine and both order
 * workflows' runners with it, starts the engine (which resumes the runs that the JVMs before it left
 * unfinished), then runs new workflows on {@value #WORKERS} threads until it is killed.
 *
 * <p>Arguments: {@code h2|postgresql}, the JDBC URL, the effect log's file, this JVM's generation
 * (1, 2, ...), and {@code run}, {@code resume}, or {@code archive} (warm up and exit: see {@link
 * ChildJvms}). A generation's transaction ids are {@code
 * g<generation>-<worker>-<n>}, so no JVM reuses an id that an earlier one started. With {@code
 * resume} it starts no run: it waits for the engine's recovery, prints it and exits.
 *
 * <p>It first warms up ({@link #warmUp}) and prints {@code warm}, then waits for a line on its
 * standard input before it touches the store. Then it prints {@code ready} once the runners are made
 * (before the engine starts), {@code started} once the engine started, and {@code recovery
 * <Recovery>} when the resumed runs have ended. Each worker writes {@code START} to the
 * effect log before it calls the runner and {@code END} with the status it got after.
 */
public final class CrashChild {
  static final int WORKERS = 8;
  /** The table prefix of the store. */
  static final String PREFIX = "crash_";

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    String url = args[1];
    int generation = Integer.parseInt(args[3]);
    boolean resumeOnly = args[4].equals("resume");
    PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 256), false,
        StandardCharsets.UTF_8);
    long started = ManagementFactory.getRuntimeMXBean().getUptime();
    warmUp(kind, url, args[4].equals("archive"));
    if (args[4].equals("archive")) {
      System.exit(0); // the JVM writes its class archive as it exits
    }
    print(out, "main after " + started + " ms, warm-up " + (ManagementFactory.getRuntimeMXBean().getUptime() - started)
        + " ms");
    print(out, "warm");
    if (new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine() == null) {
      System.exit(2); // the test is gone
    }

    EffectLog log = EffectLog.open(Path.of(args[2]), generation);
    Effects effects = new Effects(log);
    WorkflowEngine engine = WorkflowEngine.builder()
        .store(JdbcRunStore.builder(dataSource(kind, url)).tablePrefix(PREFIX).build())
        .build();
    Container container = Container.of(effects);
    OrderWorkflowRunner sync = OrderWorkflowRunner.create(container, engine);
    AsyncOrderWorkflowRunner async = AsyncOrderWorkflowRunner.create(container, engine);
    print(out, "ready");
    engine.start();
    if (resumeOnly) {
      WorkflowEngine.Recovery recovery = engine.recovery().get(5, TimeUnit.MINUTES);
      // the runs that wait for a manual retry (the JVM whose worker would have retried it was killed):
      // retried until none is left unfinished, and each retried run resumed here to its end
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!engine.list(RunQuery.builder()
          .statuses(RunStatus.RUNNING, RunStatus.COMPENSATING, RunStatus.WAITING).build()).isEmpty()) {
        if (System.nanoTime() > until) {
          break; // the check names what is stuck
        }
        retryWaiting(engine, sync, async);
        Thread.sleep(50);
      }
      print(out, "recovery " + recovery.resumed() + " " + recovery.done() + " " + recovery.reverted() + " "
          + recovery.failed() + " " + recovery.suspended() + " " + recovery.notResumed());
      engine.close();
      System.exit(0);
    }
    print(out, "started");
    engine.recovery().thenAccept(recovery -> print(out, "recovery " + recovery));
    Thread decider = new Thread(() -> {
      while (true) {
        retryWaiting(engine, sync, async); // the waits that killed JVMs left
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "decider");
    decider.setDaemon(true);
    decider.start();

    for (int w = 0; w < WORKERS; w++) {
      int worker = w;
      Thread thread = new Thread(() -> {
        for (int n = 0; ; n++) {
          runOne(log, sync, async, "g" + generation + "-" + worker + "-" + n, n, new CrashOrder(n * WORKERS + worker));
        }
      }, "worker-" + w);
      thread.setDaemon(true);
      thread.start();
    }
    Thread.sleep(TimeUnit.MINUTES.toMillis(10)); // the test kills it long before; this only ends an orphan
    System.exit(1);
  }

  /**
   * One run of a worker, recorded in the effect log with {@code START} before the call and {@code
   * END} and the status after it. The {@code n}th run of a worker calls, in turn, run and runAsync of
   * the synchronous and of the asynchronous workflow.
   */
  static void runOne(EffectLog log, OrderWorkflowRunner sync, AsyncOrderWorkflowRunner async, String tx, int n,
      CrashOrder order) {
    RunOptions options = RunOptions.builder().transactionId(tx).throwOnError(false).build();
    Function<CrashOrder, WorkflowResult<String>> call = switch (n % 4) {
      case 0 -> input -> sync.run(input, options);
      case 1 -> input -> async.run(input, options);
      case 2 -> input -> sync.runAsync(input, options).join();
      default -> input -> async.runAsync(input, options).join();
    };
    String workflow = n % 2 == 0 ? OrderWorkflowRunner.WORKFLOW_NAME : AsyncOrderWorkflowRunner.WORKFLOW_NAME;
    log.write(Effect.Kind.START, tx, workflow, 0, null, Integer.toString(order.number()));
    String status;
    try {
      status = throughWaits(() -> call.apply(order), n % 2 == 0 ? sync::retryCharge : async::retryCharge, tx)
          .status().name();
    } catch (RuntimeException e) {
      status = "ERROR:" + e.getClass().getSimpleName();
      synchronized (System.err) {
        System.err.println("run " + tx + " threw:");
        e.printStackTrace();
      }
    }
    log.write(Effect.Kind.END, tx, workflow, 0, null, status);
  }

  /**
   * Calls {@code call} until the run ends: when charge failed and waits (its wait recorded), the
   * application retries it with {@code retry} (as another JVM's decider may have first), and the
   * call, made again, waits for the resumed run's end.
   */
  static WorkflowResult<String> throughWaits(java.util.function.Supplier<WorkflowResult<String>> call,
      java.util.function.Predicate<String> retry, String tx) {
    while (true) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof WorkflowWaitingException)) {
          throw e;
        }
        retry.test(tx);
      }
    }
  }

  /** Retries the charge of every run that waits for a manual retry; a retry that another made first returns false. */
  static void retryWaiting(WorkflowEngine engine, OrderWorkflowRunner sync, AsyncOrderWorkflowRunner async) {
    try {
      for (RunHeader waiting : engine.list(RunQuery.builder().statuses(RunStatus.WAITING).build())) {
        if (waiting.workflowName().equals(OrderWorkflowRunner.WORKFLOW_NAME)) {
          sync.retryCharge(waiting.transactionId());
        } else {
          async.retryCharge(waiting.transactionId());
        }
      }
    } catch (RuntimeException e) {
      synchronized (System.err) {
        System.err.println("a retry of a waiting run threw:");
        e.printStackTrace();
      }
    }
  }

  /**
   * Prepares the JVM before the test lets it touch the store, so that the test can start the next
   * JVM while the last one still runs and the kills are not spent waiting for JVMs to start. A child
   * (whose classes come from the class-data archive, see {@link ChildJvms}) initialises the runners,
   * the store and the driver, and a PostgreSQL child connects once. The {@code full} warm-up, of the
   * JVM that writes the archive, also runs both workflows, failing and compensating, on an in-memory
   * H2 database (their effects go nowhere), so that the archive has every class a child loads.
   */
  private static void warmUp(String kind, String url, boolean full) throws Exception {
    if (!full) {
      // the class-data archive has the classes: initialise the heaviest, connect once (PostgreSQL)
      Class.forName(OrderWorkflowRunner.class.getName());
      Class.forName(AsyncOrderWorkflowRunner.class.getName());
      Class.forName(JdbcRunStore.class.getName());
      Class.forName(kind.equals("h2") ? "org.h2.Driver" : HikariDataSource.class.getName());
      if (kind.equals("postgresql")) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
      }
      return;
    }
    EffectLog nowhere = EffectLog.open(Path.of("/dev/null"), 0);
    JdbcDataSource memory = new JdbcDataSource();
    memory.setURL("jdbc:h2:mem:warm;DB_CLOSE_DELAY=-1");
    try (WorkflowEngine engine = WorkflowEngine.builder().store(JdbcRunStore.create(memory)).build()) {
      Container container = Container.of(new Effects(nowhere));
      OrderWorkflowRunner sync = OrderWorkflowRunner.create(container, engine);
      AsyncOrderWorkflowRunner async = AsyncOrderWorkflowRunner.create(container, engine);
      engine.start();
      // a run that fails and compensates takes every path
      RunOptions warm = RunOptions.builder().transactionId("warm").throwOnError(false).build();
      throughWaits(() -> sync.run(new CrashOrder(15), warm), sync::retryCharge, "warm");
      RunOptions warmAsync = RunOptions.builder().transactionId("warm-async").throwOnError(false).build();
      throughWaits(() -> async.runAsync(new CrashOrder(15), warmAsync).join(), async::retryCharge, "warm-async");
    }
    if (kind.equals("postgresql")) {
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        s.execute("SELECT 1");
      }
    } else {
      Class.forName("org.postgresql.Driver"); // loads the driver's classes
      Class.forName(HikariDataSource.class.getName());
    }
  }

  static DataSource dataSource(String kind, String url) {
    if (kind.equals("h2")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL(url);
      h2.setUser("sa");
      h2.setPassword("");
      return h2;
    }
    HikariConfig config = new HikariConfig(); // a pool, as applications have: the engine's reads open connections
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    return new HikariDataSource(config);
  }

  /** Writes one whole line with one write, so that a kill never leaves half a line. */
  private static void print(PrintStream out, String line) {
    synchronized (out) {
      out.print(line + "\n");
      out.flush();
    }
  }
}
