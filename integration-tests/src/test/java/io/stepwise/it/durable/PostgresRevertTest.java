package io.stepwise.it.durable;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.store.RunStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Reverting runs on a {@link JdbcRunStore} over PostgreSQL (an embedded server, zonky's real
 * binaries, started once for the test JVM), each test with tables of its own, each "process" a
 * store of its own.
 */
class PostgresRevertTest extends RevertContract {
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static EmbeddedPostgres server;
  private final String prefix = "revert" + TESTS.incrementAndGet() + "_";

  /** The embedded server's database, started on first use and shared by the tests of the JVM. */
  static synchronized DataSource database() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException e) {
          // the JVM ends anyway
        }
      }));
    }
    return server.getPostgresDatabase();
  }

  @Override
  RunStore newStore() {
    return JdbcRunStore.builder(database()).tablePrefix(prefix).build();
  }
}
