package io.stepwise.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Databases for tests: H2 in files, and databases of one embedded PostgreSQL server (zonky's real
 * PostgreSQL binaries), started on first use and stopped when the test JVM ends.
 */
final class TestDatabases {
  private static final AtomicInteger COUNT = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static HikariDataSource pool;

  private TestDatabases() {}

  /** An H2 database in the file {@code file} (created on first connection), as user sa. */
  static DataSource h2(Path file) {
    return h2Url("jdbc:h2:file:" + file.toAbsolutePath(), "sa", "");
  }

  static DataSource h2Url(String url, String user, String password) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(url);
    dataSource.setUser(user);
    dataSource.setPassword(password);
    return dataSource;
  }

  /**
   * The server's {@code postgres} database, which tests share (each with table prefixes of its own),
   * through a connection pool, as applications use it.
   */
  static synchronized DataSource postgres() {
    if (pool == null) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(postgresUrl("postgres"));
      config.setMaximumPoolSize(16);
      pool = new HikariDataSource(config);
    }
    return pool;
  }

  /** The name of a new, empty PostgreSQL database. */
  static String newPostgresDatabase() {
    String name = "test" + COUNT.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement statement = c.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  static DataSource postgres(String database) {
    return server().getDatabase("postgres", database);
  }

  static String postgresUrl(String database) {
    return server().getJdbcUrl("postgres", database);
  }

  /** A table prefix no other test uses. */
  static String uniquePrefix() {
    return "t" + COUNT.incrementAndGet() + "_";
  }

  private static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          if (pool != null) {
            pool.close();
          }
          started.close();
        } catch (IOException e) {
          // the JVM ends anyway
        }
      }));
    }
    return postgres;
  }
}
