package io.stepwise.benchmarks.durable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.config.DBOSConfig;
import dev.dbos.transact.context.WorkflowOptions;
import io.stepwise.benchmarks.durable.Clients.Client;
import io.stepwise.benchmarks.durable.Clients.Counted;
import io.stepwise.benchmarks.durable.Clients.Opener;
import io.stepwise.benchmarks.durable.ThroughputReport.Row;
import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.jdbc.StoreCommits;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Durable 3-step runs per second, on H2 (a file) and on PostgreSQL (embedded, fsync on), from 1, 8
 * and 32 client threads, next to the raw single-row INSERT+COMMIT rate of the same database and to
 * DBOS Transact running the same workflow on the same PostgreSQL, all in one run. Not a JMH
 * benchmark: each configuration runs for a fixed time and counts what completed.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.stepwise.benchmarks.durable.DurableThroughput \
 *     [seconds=5] [warmup=2] [rounds=3] [clients=1,8,32] [databases=h2,postgresql] [dbos=true]
 * }</pre>
 *
 * See benchmarks/README.md, "Durable runs", for what each column means.
 */
public final class DurableThroughput {
  /** java.util.logging holds its loggers weakly: keep the configured ones. */
  private static final List<Logger> QUIET = new ArrayList<>();
  private static final DurableOrder ORDER = new DurableOrder("sku-42", 3);
  private static final String PG_DATABASE = "bench";

  private final Settings settings;
  private final ThroughputReport report = new ThroughputReport();
  /** The round of the measurements under way, which {@link #add} stamps on their rows. */
  private int round = 1;

  private DurableThroughput(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    quietLogging();
    Settings settings = Settings.parse(args);
    System.out.printf("DurableThroughput, %s: %d round(s) of %d s per configuration after %d s of warm-up; the store "
        + "with %d writer(s); %d CPUs; Java %s; load average %s%n", Instant.now(), settings.rounds, settings.seconds,
        settings.warmUp, settings.writers,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
    DurableThroughput benchmark = new DurableThroughput(settings);
    benchmark.inMemory();
    if (settings.databases.contains("h2")) {
      benchmark.h2();
    }
    if (settings.databases.contains("postgresql")) {
      benchmark.postgres();
    }
    System.out.printf("%nload average at the end: %s%n", loadAverage());
    benchmark.report.print(settings.clients, settings.rounds);
    System.exit(0);   // DBOS and the pools leave non-daemon threads behind
  }

  /** The runner without an engine: what the machinery costs when nothing is recorded. */
  private void inMemory() throws Exception {
    OrderWorkflowRunner runner = new OrderWorkflowRunner(new OrderWorkflow());
    for (int clients : settings.clients) {
      Counted counted = Clients.run(tag("mem", clients), clients,
          index -> id -> runner.run(ORDER, RunOptions.builder().transactionId(id).build()),
          settings.warmUp, settings.seconds);
      add(new Row("(none)", "Stepwise in memory", clients, counted.perSecond(), null, Double.NaN, Double.NaN,
          Double.NaN));
    }
  }

  // ---------------------------------------------------------------------------------------------- H2

  private void h2() throws Exception {
    Path dir = Files.createTempDirectory("durable-h2");
    String url = "jdbc:h2:file:" + dir.resolve("bench").toAbsolutePath();
    // keeps the database open between configurations; H2 forgets WRITE_DELAY 0 when it reopens one
    try (Connection keeper = DriverManager.getConnection(url, "sa", "")) {
      try (Statement s = keeper.createStatement()) {
        s.execute("SET WRITE_DELAY 0");
        createRawTables(s);
      }
      System.out.printf("%nH2 %s, file database in %s, WRITE_DELAY %s (commits written to the file, not synced "
          + "to disk)%n", org.h2.engine.Constants.VERSION, dir, h2Setting(keeper, "WRITE_DELAY"));
      for (int clients : settings.clients) {
        for (round = 1; round <= settings.rounds; round++) {
          h2Round(url, clients);
        }
      }
    }
  }

  private void h2Round(String url, int clients) throws Exception {
    try (HikariDataSource pool = pool(url, "sa", clients + 2, "SET WRITE_DELAY 0")) {
      Counted raw = Clients.run(tag("h2raw", clients), clients, rawInsert(pool), settings.warmUp, settings.seconds);
      add(new Row("H2", "raw INSERT+COMMIT", clients, raw.perSecond(), null, 1, Double.NaN, Double.NaN));
      Counted shaped = Clients.run(tag("h2sql", clients), clients, storeShapedSql(pool, false), settings.warmUp,
          settings.seconds);
      add(new Row("H2", "raw, store's SQL", clients, shaped.perSecond(), null, 4, Double.NaN, Double.NaN));
    }
    add(stepwise("H2", clients, url, "sa"));
  }

  private static void createRawTables(Statement s) throws SQLException {
    s.execute("CREATE TABLE raw_commits (id VARCHAR(80) PRIMARY KEY, payload VARCHAR(200))");
    s.execute("CREATE TABLE raw_runs (id VARCHAR(80) PRIMARY KEY, status VARCHAR(16), input_json VARCHAR(200), "
        + "updated_at TIMESTAMP, lease_until TIMESTAMP)");
    s.execute("CREATE TABLE raw_checkpoints (id VARCHAR(80), seq INT, output_json VARCHAR(200), "
        + "PRIMARY KEY (id, seq))");
  }

  private static String h2Setting(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
      ps.setString(1, name);
      String value = "?";
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {   // the value kept in the database first (if any), the one in effect last
          value = rs.getString(1);
        }
      }
      return value;
    }
  }

  // -------------------------------------------------------------------------------------- PostgreSQL

  private void postgres() throws Exception {
    try (EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")   // zonky's default is off
        .start();
        Connection admin = server.getPostgresDatabase().getConnection()) {
      try (Statement s = admin.createStatement()) {
        s.execute("CREATE DATABASE " + PG_DATABASE);
      }
      System.out.printf("%nPostgreSQL %s (embedded), fsync=%s, synchronous_commit=%s, wal_sync_method=%s, "
          + "full_page_writes=%s, commit_delay=%s, data in %s%n", show(admin, "server_version"), show(admin, "fsync"),
          show(admin, "synchronous_commit"), show(admin, "wal_sync_method"), show(admin, "full_page_writes"),
          show(admin, "commit_delay"), show(admin, "data_directory"));
      String url = server.getJdbcUrl("postgres", PG_DATABASE);
      try (Connection c = DriverManager.getConnection(url, "postgres", "postgres"); Statement s = c.createStatement()) {
        createRawTables(s);
      }
      if (settings.dbos) {
        setUpDbos(url);
      }
      for (int clients : settings.clients) {
        for (round = 1; round <= settings.rounds; round++) {
          postgresRound(admin, url, clients);
        }
      }
    }
  }

  /**
   * Each configuration on pools of its own, closed before PostgreSQL's counters are read again (see
   * {@link PgCounters}).
   */
  private void postgresRound(Connection admin, String url, int clients) throws Exception {
    rawOnPostgres(admin, url, clients, "raw INSERT+COMMIT", "pgraw", DurableThroughput::rawInsert, 1);
    rawOnPostgres(admin, url, clients, "raw, store's SQL", "pgsql", pool -> storeShapedSql(pool, false), 4);
    rawOnPostgres(admin, url, clients, "store's SQL, 1 trip", "pgsql1", pool -> storeShapedSql(pool, true), 4);

    PgCounters before = PgCounters.settled(admin, PG_DATABASE);
    Row stepwise = stepwise("PostgreSQL", clients, url, "postgres");
    add(stepwise.with(perRun(PgCounters.settled(admin, PG_DATABASE).minus(before), stepwise.counted)));

    if (settings.dbos) {
      before = PgCounters.settled(admin, PG_DATABASE);
      Counted dbos = dbos(url, clients);
      add(new Row("PostgreSQL", "DBOS Transact", clients, dbos.perSecond(),
          perRun(PgCounters.settled(admin, PG_DATABASE).minus(before), dbos), Double.NaN, Double.NaN, Double.NaN));
    }
  }

  /** A raw client on connections of a pool of its own, with PostgreSQL's counters per call. */
  private void rawOnPostgres(Connection admin, String url, int clients, String system, String tag,
      Function<DataSource, Opener> opener, int commitsPerCall) throws Exception {
    PgCounters before = PgCounters.settled(admin, PG_DATABASE);
    Counted counted;
    try (HikariDataSource pool = pool(url, "postgres", clients + 2, null)) {
      counted = Clients.run(tag(tag, clients), clients, opener.apply(pool), settings.warmUp, settings.seconds);
    }
    add(new Row("PostgreSQL", system, clients, counted.perSecond(),
        perRun(PgCounters.settled(admin, PG_DATABASE).minus(before), counted), commitsPerCall, Double.NaN, Double.NaN));
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The counters divided by every call the configuration made (warm-up and tail included). */
  private static double[] perRun(PgCounters delta, Counted counted) {
    double n = counted.total();
    return new double[] {delta.commits() / n, delta.walSyncs() / n, delta.walWrites() / n, delta.walRecords() / n,
        delta.rowsWritten() / n, delta.walBytes() / n};
  }

  // ---------------------------------------------------------------------------------- the systems

  /** One connection per client, each a single-row INSERT and a COMMIT per call. */
  private static Opener rawInsert(DataSource pool) {
    return index -> {
      Connection c = pool.getConnection();
      c.setAutoCommit(false);
      PreparedStatement insert = c.prepareStatement("INSERT INTO raw_commits (id, payload) VALUES (?, ?)");
      return new Client() {
        @Override
        public void call(String id) throws SQLException {
          insert.setString(1, id);
          insert.setString(2, "{\"sku\":\"sku-42\",\"quantity\":3}");
          insert.executeUpdate();
          c.commit();
        }

        @Override
        public void close() throws SQLException {
          insert.close();
          c.close();
        }
      };
    };
  }

  /**
   * What the store writes for a 3-step run, in the same SQL shape, from the client's own thread
   * (no writer thread, no engine, no JSON): the run's row inserted and committed; then per step a
   * checkpoint row inserted and the run's row updated, and a commit. Four commits and seven rows
   * per run, as the store's; the difference to Stepwise's rate is the hand-offs to the store's
   * writer thread and the engine.
   *
   * <p>With {@code oneRoundTrip} (PostgreSQL only), each step's two statements go in one {@code
   * PreparedStatement} in autocommit mode, which PostgreSQL runs as one implicit transaction
   * committed at the protocol's Sync: one round trip per commit instead of three (the commits per run
   * in the table show that each write is still one transaction).
   */
  private static Opener storeShapedSql(DataSource pool, boolean oneRoundTrip) {
    String insertCheckpoint = "INSERT INTO raw_checkpoints (id, seq, output_json) VALUES (?, ?, ?)";
    String updateRun = "UPDATE raw_runs SET status = ?, updated_at = ?, lease_until = ? WHERE id = ?";
    return index -> {
      Connection c = pool.getConnection();
      c.setAutoCommit(oneRoundTrip);
      PreparedStatement begin = c.prepareStatement("INSERT INTO raw_runs (id, status, input_json, updated_at, "
          + "lease_until) VALUES (?, 'RUNNING', ?, ?, ?)");
      PreparedStatement checkpoint = c.prepareStatement(oneRoundTrip ? insertCheckpoint + "; " + updateRun
          : insertCheckpoint);
      PreparedStatement update = oneRoundTrip ? checkpoint : c.prepareStatement(updateRun);
      int updateFrom = oneRoundTrip ? 4 : 1;   // the update's first parameter
      return new Client() {
        @Override
        public void call(String id) throws SQLException {
          Timestamp now = new Timestamp(System.currentTimeMillis());
          begin.setString(1, id);
          begin.setString(2, "{\"sku\":\"sku-42\",\"quantity\":3}");
          begin.setTimestamp(3, now);
          begin.setTimestamp(4, now);
          begin.executeUpdate();
          commit();
          for (int seq = 0; seq < 3; seq++) {
            checkpoint.setString(1, id);
            checkpoint.setInt(2, seq);
            checkpoint.setString(3, "\"reservation-sku-42-3\"");
            update.setString(updateFrom, seq == 2 ? "DONE" : "RUNNING");
            update.setTimestamp(updateFrom + 1, now);
            update.setTimestamp(updateFrom + 2, now);
            update.setString(updateFrom + 3, id);
            checkpoint.execute();
            if (!oneRoundTrip) {
              update.executeUpdate();
            }
            commit();
          }
        }

        private void commit() throws SQLException {
          if (!oneRoundTrip) {
            c.commit();
          }
        }

        @Override
        public void close() throws SQLException {
          begin.close();
          checkpoint.close();
          update.close();
          c.close();
        }
      };
    };
  }

  /** Stepwise durable runs on a {@link JdbcRunStore} of the database at {@code url}. */
  private Row stepwise(String database, int clients, String url, String user) throws Exception {
    try (HikariDataSource pool = pool(url, user, settings.writers + 3, null)) {   // each writer holds one
      JdbcRunStore jdbc = JdbcRunStore.builder(pool).tablePrefix("bench_").writers(settings.writers).build();
      CountingStore store = new CountingStore(jdbc);
      Counted counted;
      long commitsBefore = StoreCommits.of(jdbc);
      try (WorkflowEngine engine = WorkflowEngine.builder().store(store).build()) {
        OrderWorkflowRunner runner = OrderWorkflowRunner.create(Container.empty(), engine);
        engine.start();
        counted = Clients.run(tag(database.substring(0, 2) + "sw", clients), clients,
            index -> id -> runner.run(ORDER, RunOptions.builder().transactionId(id).build()),
            settings.warmUp, settings.seconds);
      }
      double n = counted.total();
      return new Row(database, "Stepwise durable", clients, counted.perSecond(), null,
          (StoreCommits.of(jdbc) - commitsBefore) / n, store.writes.sum() / n, store.reads.sum() / n)
          .counted(counted);
    }
  }

  /**
   * Creates DBOS's system tables once, so that their creation is not counted in a measurement: one
   * run, then time for DBOS's start-up recovery task to end before DBOS closes.
   */
  private static void setUpDbos(String url) throws InterruptedException {
    try (HikariDataSource pool = pool(url, "postgres", 4, null); DBOS dbos = new DBOS(dbosConfig(pool))) {
      DbosOrderWorkflow.Impl impl = new DbosOrderWorkflow.Impl();
      DbosOrderWorkflow proxy = dbos.registerProxy(DbosOrderWorkflow.class, impl);
      impl.self(proxy);
      dbos.launch();
      proxy.process(ORDER);
      Thread.sleep(2_000);
    }
  }

  /** DBOS Transact running the same workflow, each run with a workflow id of its own. */
  private Counted dbos(String url, int clients) throws Exception {
    try (HikariDataSource pool = pool(url, "postgres", clients + 8, null); DBOS dbos = new DBOS(dbosConfig(pool))) {
      DbosOrderWorkflow.Impl impl = new DbosOrderWorkflow.Impl();
      DbosOrderWorkflow proxy = dbos.registerProxy(DbosOrderWorkflow.class, impl);
      impl.self(proxy);
      dbos.launch();
      return Clients.run(tag("dbos", clients), clients, index -> id -> {
        WorkflowOptions.Guard workflowId = new WorkflowOptions(id).setContext();
        try {
          proxy.process(ORDER);
        } finally {
          workflowId.close();
        }
      }, settings.warmUp, settings.seconds);
    }
  }

  private static DBOSConfig dbosConfig(DataSource pool) {
    return DBOSConfig.defaults("stepwise-durable-bench").withDataSource(pool);
  }

  /** The prefix of the ids of one configuration's calls: unique in the run, as ids are row keys. */
  private String tag(String system, int clients) {
    return system + clients + "r" + round;
  }

  private static HikariDataSource pool(String url, String user, int size, String initSql) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(user.equals("postgres") ? "postgres" : "");
    config.setMaximumPoolSize(size);
    if (initSql != null) {
      config.setConnectionInitSql(initSql);
    }
    return new HikariDataSource(config);
  }

  /** Adds {@code row} to the report, stamped with the round under way, and prints it. */
  private void add(Row row) {
    report.add(row, round);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void quietLogging() {
    for (String name : List.of("", "io.stepwise", "dev.dbos", "com.zaxxer", "io.zonky")) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.WARNING);
      QUIET.add(logger);
    }
  }

  /** The command line: {@code key=value} arguments. */
  private record Settings(int seconds, int warmUp, int rounds, int[] clients, List<String> databases, boolean dbos,
      int writers) {
    static Settings parse(String[] args) {
      int seconds = 5;
      int warmUp = 2;
      int rounds = 3;
      int[] clients = {1, 8, 32};
      List<String> databases = List.of("h2", "postgresql");
      boolean dbos = true;
      int writers = 1;
      for (String arg : args) {
        String[] kv = arg.split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("Arguments are key=value (seconds, warmup, rounds, clients, databases, "
              + "dbos, writers); got '" + arg + "'");
        }
        switch (kv[0]) {
          case "seconds" -> seconds = Integer.parseInt(kv[1]);
          case "warmup" -> warmUp = Integer.parseInt(kv[1]);
          case "rounds" -> rounds = Integer.parseInt(kv[1]);
          case "clients" -> clients = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
          case "databases" -> databases = List.of(kv[1].toLowerCase(Locale.ROOT).split(","));
          case "dbos" -> dbos = Boolean.parseBoolean(kv[1]);
          case "writers" -> writers = Integer.parseInt(kv[1]);
          default -> throw new IllegalArgumentException("Unknown argument '" + kv[0] + "'; the arguments are seconds, "
              + "warmup, rounds, clients, databases (h2,postgresql), dbos (true/false) and writers (the store's, 1)");
        }
      }
      return new Settings(seconds, warmUp, rounds, clients, databases, dbos, writers);
    }
  }
}
