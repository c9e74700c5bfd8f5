package io.stepwise.example;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.stepwise.jdbc.JdbcRunStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The service's database: a connection pool (HikariCP) for a JDBC URL, with the tables of
 * {@code schema.sql} created and, in an empty database, the seed supplier
 * ({@link SupplierService#seedSupplier()}) added. Both the restock store ({@link JdbcSupplierService})
 * and the engine's record of workflow runs ({@code JdbcRunStore}) live in it.
 *
 * <p>Any JDBC URL of H2 or PostgreSQL works, for example
 * {@code jdbc:postgresql://127.0.0.1:5432/shop?user=postgres}. Without one, {@link #DEFAULT_URL} is an
 * H2 database in the file {@code ./data/restock.mv.db}, created on first start.
 */
public final class Database implements AutoCloseable {
  /** The H2 file database under {@code ./data} that the service uses when no URL is given. */
  public static final String DEFAULT_URL = "jdbc:h2:file:./data/restock;DB_CLOSE_ON_EXIT=FALSE";

  private final HikariDataSource pool;
  private final String url;

  private Database(HikariDataSource pool, String url) {
    this.pool = pool;
    this.url = url;
  }

  /**
   * Opens a pool for {@code jdbcUrl}, creates the tables that do not exist yet, and seeds an empty
   * database.
   *
   * @throws StoreException if the database cannot be reached or set up
   */
  public static Database open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(keepH2OpenUntilClosed(jdbcUrl));
    config.setPoolName("restock");
    // On H2, one connection does every write (the run store's and the steps'): with two sessions
    // writing, a killed process can leave a row locked forever (docs/durable-runs.md, "What a crash costs").
    config.setMaximumPoolSize(jdbcUrl.startsWith("jdbc:h2:") ? 1 : 10 + WRITERS);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to the database " + redact(jdbcUrl), e);
    }
    Database database = new Database(pool, jdbcUrl);
    try {
      database.createSchema();
      database.seed();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return database;
  }

  /**
   * The engine's run store in this database. On H2 the store's writer gives the pool's one
   * connection back whenever it has nothing to write ({@code holdConnections(false)}): the steps and
   * the compensations write on the same connection, never while the store's transaction is open.
   */
  public JdbcRunStore runStore() {
    if (url.startsWith("jdbc:h2:")) {
      return JdbcRunStore.builder(pool).holdConnections(false).build();
    }
    return JdbcRunStore.builder(pool).writers(WRITERS).build();
  }

  public DataSource dataSource() {
    return pool;
  }

  /** The JDBC URL, with a password in it replaced by {@code ***}: safe to log. */
  public String displayUrl() {
    return redact(url);
  }

  /** Closes the pool: its connections are closed, and no new ones are handed out. */
  @Override
  public void close() {
    pool.close();
  }

  /** Runs each statement of {@code schema.sql}; they all are {@code ... IF NOT EXISTS}. */
  private void createSchema() {
    for (int attempt = 1; ; attempt++) {
      try (Connection c = pool.getConnection(); Statement statement = c.createStatement()) {
        for (String sql : schemaStatements()) {
          statement.execute(sql);
        }
        return;
      } catch (SQLException e) {
        // "IF NOT EXISTS" is not atomic: an instance that starts at the same moment may create a
        // table or index between our check and our create (H2: "object already exists", PostgreSQL:
        // a duplicate key in its catalog). Run the statements again: they find it all there.
        if (attempt == SCHEMA_ATTEMPTS) {
          throw new StoreException("cannot create the tables", e);
        }
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new StoreException("cannot create the tables", e);
        }
      }
    }
  }

  private static final int SCHEMA_ATTEMPTS = 10;   // 50 ms more each time: 2.25 s in all, for busy machines

  /**
   * The run store's writers on PostgreSQL: the workflow's steps do their work in the writers'
   * transactions, so that one writer would run the steps of all runs one after another.
   */
  private static final int WRITERS = 4;

  /**
   * An H2 URL with {@code DB_CLOSE_ON_EXIT=FALSE}: otherwise H2's own shutdown hook closes the
   * database at SIGTERM before the service has let its requests in progress finish, and their
   * compensations fail ("Database is already closed"), leaving half-created orders. {@link #close()}
   * closes it. Other URLs, and H2 URLs that set the option themselves, are left as they are.
   */
  static String keepH2OpenUntilClosed(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:h2:") || jdbcUrl.toUpperCase(java.util.Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
      return jdbcUrl;
    }
    return jdbcUrl + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Adds the seed supplier if the database has no supplier at all. */
  private void seed() {
    if (countSuppliers() > 0) {
      return;
    }
    try {
      new JdbcSupplierService(pool).putSupplier(SupplierService.seedSupplier());
    } catch (StoreException e) {
      // Another instance that started at the same moment seeded first (its insert won the primary
      // key): the database is seeded all the same. Any other failure still stops the start.
      if (countSuppliers() == 0) {
        throw e;
      }
    }
  }

  private int countSuppliers() {
    try (Connection c = pool.getConnection();
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM supplier")) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new StoreException("cannot read the suppliers", e);
    }
  }

  /** The statements of {@code schema.sql}: the text between semicolons, without {@code --} comments. */
  static List<String> schemaStatements() {
    String text;
    try (InputStream in = Database.class.getResourceAsStream("schema.sql")) {
      if (in == null) {
        throw new IllegalStateException("schema.sql is missing from the class path");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder withoutComments = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.strip().startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String statement : withoutComments.toString().split(";")) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  /** {@code jdbcUrl} with the value of a {@code password} parameter replaced by {@code ***}. */
  static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
