package io.stepwise.example;

import io.stepwise.runtime.WorkflowEngine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh, empty databases for tests: an H2 database in memory, or a database in one embedded
 * PostgreSQL server (zonky's real PostgreSQL binaries), started on first use and stopped when the
 * test JVM ends.
 */
public final class TestDatabases {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestDatabases() {}

  /** An engine that records runs in {@code database}, as the service's does. */
  public static WorkflowEngine engine(Database database) {
    return WorkflowEngine.builder().store(database.runStore()).build();
  }

  /** The JDBC URL of a new H2 database in memory, which lives as long as the JVM. */
  public static String h2() {
    return "jdbc:h2:mem:test" + COUNT.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
  }

  /** The JDBC URL of a new, empty PostgreSQL database. */
  public static synchronized String postgres() {
    try {
      if (postgres == null) {
        postgres = EmbeddedPostgres.start();
        EmbeddedPostgres started = postgres;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (IOException e) {
            // the JVM ends anyway
          }
        }));
      }
      String name = "test" + COUNT.incrementAndGet();
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement statement = c.createStatement()) {
        statement.execute("CREATE DATABASE " + name);
      }
      return postgres.getJdbcUrl("postgres", name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
