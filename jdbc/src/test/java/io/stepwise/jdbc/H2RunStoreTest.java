package io.stepwise.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stepwise.runtime.store.RunStoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on H2, in a file database. */
class H2RunStoreTest extends JdbcRunStoreContract {
  @TempDir
  static Path dir;
  /**
   * Keeps the class's database open between tests: H2 closes a database (and compacts its file, up
   * to 200 ms) when its last connection closes.
   */
  private static Connection keepOpen;

  @BeforeAll
  static void openDatabase() throws SQLException {
    keepOpen = TestDatabases.h2(dir.resolve("store")).getConnection();
  }

  @AfterAll
  static void closeDatabase() throws SQLException {
    keepOpen.close();
  }

  @Override
  protected DataSource dataSource() {
    return TestDatabases.h2(dir.resolve("store"));
  }

  /** The write delay H2 runs with: the last WRITE_DELAY row (a value kept in the database comes first). */
  private static String writeDelay(DataSource dataSource) throws SQLException {
    return setting(dataSource, "WRITE_DELAY");
  }

  /** The value of an H2 setting in effect: its last row. */
  private static String setting(DataSource dataSource, String name) throws SQLException {
    String value = null;
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = '" + name + "'")) {
      while (rs.next()) {
        value = rs.getString(1);
      }
    }
    return value;
  }

  @Test
  void theStoreKeepsH2sOldChunksForAnHourSoThatAKilledProcessAfterAnotherLosesNothing() throws Exception {
    DataSource fresh = TestDatabases.h2(dir.resolve("chunks"));
    try (Connection keepOpen = fresh.getConnection()) {
      assertEquals("45000", setting(fresh, "RETENTION_TIME"), "H2's default");
      JdbcRunStore.create(fresh).close();
      assertEquals("3600000", setting(fresh, "RETENTION_TIME"));
      assertTrue(keepOpen.isValid(1));
    }
  }

  @Test
  void theStoreTurnsOffH2sWriteDelayEachTimeTheDatabaseOpens() throws Exception {
    DataSource fresh = TestDatabases.h2(dir.resolve("fresh"));
    for (int open = 1; open <= 2; open++) {
      try (Connection keepOpen = fresh.getConnection()) {   // one database instance for the block
        assertTrue(keepOpen.isValid(1));
        assertEquals("500", writeDelay(fresh), "H2's default, also after a store set 0 (open " + open + ")");
        try (JdbcRunStore store = JdbcRunStore.create(fresh)) {
          assertEquals("0", writeDelay(fresh));
          assertEquals(List.of(), store.unfinished("any"));
        }
      }
    }
  }

  /**
   * An interrupt that lands in H2's file I/O closes the database's file channel, and with it the
   * database for every connection of the JVM ("Writing to FileChannelImpl failed", caused by
   * ClosedByInterruptException, on the next commit anywhere): so close() lets a purge in progress end
   * its transaction instead of interrupting it. The purge is held inside getConnection here, as it
   * could be inside H2's writes.
   */
  @Test
  void closeLetsARetentionPurgeInProgressEndWithoutInterruptingIt() throws Exception {
    DataSource h2 = TestDatabases.h2(dir.resolve("purging"));
    CountDownLatch purging = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    DataSource gated = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          if (method.getName().equals("getConnection")
              && Thread.currentThread().getName().equals("stepwise-run-store-retention")) {
            purging.countDown();
            while (release.getCount() > 0) { // deaf to interrupts, as a write in progress is
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
              interrupted.compareAndSet(false, Thread.currentThread().isInterrupted());
            }
          }
          try {
            return method.invoke(h2, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    JdbcRunStore store = JdbcRunStore.builder(gated).retention(Duration.ofDays(1)).build();
    assertTrue(purging.await(10, TimeUnit.SECONDS), "the purge starts when the store does");

    CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
    Thread.sleep(300);
    assertFalse(closing.isDone(), "close waits for the purge in progress");
    release.countDown();
    closing.get(20, TimeUnit.SECONDS);
    assertFalse(interrupted.get(), "close interrupted the purge");
    try (JdbcRunStore again = JdbcRunStore.create(h2)) {
      assertEquals(Optional.empty(), again.find("nothing"));
    }
  }

  @Test
  void aUserWhoCannotTurnOffTheWriteDelayIsRefused() throws Exception {
    Path file = dir.resolve("guarded");
    DataSource admin = TestDatabases.h2(file);
    try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE USER app PASSWORD 'secret'");
      s.execute("GRANT ALL ON SCHEMA PUBLIC TO app");
    }
    String url = "jdbc:h2:file:" + file.toAbsolutePath();
    RunStoreException e = assertThrows(RunStoreException.class,
        () -> JdbcRunStore.create(TestDatabases.h2Url(url, "app", "secret")));
    assertTrue(e.getMessage().startsWith("The H2 database " + url + " writes commits to its file up to 500 ms late "
        + "(WRITE_DELAY 500), so a killed process would lose checkpoints that the store had reported durable. "
        + "JdbcRunStore sets WRITE_DELAY 0 each time it starts (H2 does not apply a kept value when it opens the "
        + "database again), but user APP may not (Admin rights are required for this operation"), e.getMessage());
    assertTrue(e.getMessage().endsWith("): give the store a DataSource whose user has admin rights"), e.getMessage());

    // once an admin has turned the delay off in this run of the database, the user is accepted
    try (Connection asAdmin = admin.getConnection(); Statement s = asAdmin.createStatement()) {
      s.execute("SET WRITE_DELAY 0");
      s.execute("GRANT ALTER ANY SCHEMA TO app");
      JdbcRunStore.create(TestDatabases.h2Url(url, "app", "secret")).close();
    }
  }

  /**
   * The application on H2 shares a pool of one connection with the store (docs/durable-runs.md,
   * "What a crash costs"): by default the writer holds that connection for as long as the store is
   * open; with {@code holdConnections(false)} it gives it back between writes.
   */
  @Test
  void aWriterThatHoldsNoConnectionLeavesAPoolOfOneToTheApplication() throws Exception {
    try (HikariDataSource pool = poolOfOne("holding"); JdbcRunStore store = JdbcRunStore.builder(pool).build()) {
      join(store.begin(TYPES, newRun("order-1")));
      assertThrows(SQLException.class, pool::getConnection, "the writer holds the pool's only connection");
    }
    try (HikariDataSource pool = poolOfOne("sharing");
        JdbcRunStore store = JdbcRunStore.builder(pool).holdConnections(false).build()) {
      for (int i = 1; i <= 3; i++) {
        join(store.begin(TYPES, newRun("order-" + i)));
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {   // the application's turn
          s.execute("CREATE TABLE IF NOT EXISTS app_row (id INT)");
          s.execute("INSERT INTO app_row VALUES (" + i + ")");
        }
      }
      assertEquals(3, store.list(io.stepwise.runtime.store.RunQuery.builder().build()).size());
    }
  }

  private static HikariDataSource poolOfOne(String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:file:" + dir.resolve(name).toAbsolutePath());
    config.setUsername("sa");
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    return new HikariDataSource(config);
  }
}
