package io.stepwise.it.durable;

import io.stepwise.jdbc.JdbcRunStore;
import io.stepwise.runtime.store.RunStore;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** Manual retries that wait in memory, of durable runs on a {@link JdbcRunStore} over an H2 file database. */
class H2ManualRetryGroupTest extends ManualRetryGroupContract {
  @TempDir
  Path dir;

  @Override
  RunStore newStore() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + dir.resolve("runs").toAbsolutePath());
    dataSource.setUser("sa");
    dataSource.setPassword("");
    return JdbcRunStore.create(dataSource);
  }
}
