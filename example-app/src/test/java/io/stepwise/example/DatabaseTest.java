package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Starting the service's database: schema and seed, also when several instances start at once. */
class DatabaseTest {

  /**
   * Instances that start together on one empty database all start, and the database holds the
   * seed supplier once (whichever seeded first; the others find it seeded).
   */
  @Test
  void onH2InstancesStartingTogetherOnAnEmptyDatabaseAllStartAndSeedItOnce() throws Exception {
    startTogether(TestDatabases.h2());
  }

  @Test
  void onPostgresInstancesStartingTogetherOnAnEmptyDatabaseAllStartAndSeedItOnce() throws Exception {
    startTogether(TestDatabases.postgres());
  }

  @Test
  void anH2UrlKeepsTheDatabaseOpenUntilTheServiceClosesIt() {
    assertEquals("jdbc:h2:file:/tmp/x;DB_CLOSE_ON_EXIT=FALSE", Database.keepH2OpenUntilClosed("jdbc:h2:file:/tmp/x"));
    assertEquals("jdbc:h2:mem:a;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE",
        Database.keepH2OpenUntilClosed("jdbc:h2:mem:a;MODE=PostgreSQL"));
    assertEquals("jdbc:h2:file:/tmp/x;db_close_on_exit=true", Database.keepH2OpenUntilClosed("jdbc:h2:file:/tmp/x;db_close_on_exit=true"));
    assertEquals("jdbc:postgresql://127.0.0.1/shop", Database.keepH2OpenUntilClosed("jdbc:postgresql://127.0.0.1/shop"));
  }

  private static void startTogether(String url) throws Exception {
    int instances = 8;
    CyclicBarrier together = new CyclicBarrier(instances);
    ExecutorService threads = Executors.newFixedThreadPool(instances);
    List<Future<Database>> starts = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        starts.add(threads.submit(() -> {
          together.await(10, TimeUnit.SECONDS);
          return Database.open(url);
        }));
      }
      List<Database> opened = new ArrayList<>();
      for (Future<Database> start : starts) {
        opened.add(start.get(30, TimeUnit.SECONDS)); // throws if an instance failed to start
      }
      List<Supplier> suppliers = new JdbcSupplierService(opened.get(0).dataSource()).listSuppliers();
      assertEquals(List.of(SupplierService.seedSupplier()), suppliers);
      for (Database database : opened) {
        database.close();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
