package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The {@link SupplierService} contract in a database, and what only a database store does. */
abstract class JdbcSupplierServiceContractTest extends SupplierServiceContractTest {
  private final List<Database> databases = new ArrayList<>();

  /** The JDBC URL of a new, empty database. */
  protected abstract String newDatabaseUrl();

  @Override
  protected SupplierService newService(ConfirmationPolicy policy) {
    Database database = Database.open(newDatabaseUrl());
    databases.add(database);
    return new JdbcSupplierService(database.dataSource(), policy);
  }

  @Override
  protected DataSource stepDatabase() {
    return databases.get(0).dataSource();
  }

  @Override
  protected void closeServices() {
    databases.forEach(Database::close);
  }

  @Test
  void aFailedStatementWritesNothingAndSaysNothingOfSql() {
    // product ids are at most 200 characters in the database: the supplier row is written, the
    // product row fails, and the transaction rolls both back
    Supplier tooLong = new Supplier("sup_2", "Other", Set.of("p".repeat(201)), BigDecimal.TEN);
    StoreException e = assertThrows(StoreException.class, () -> service.putSupplier(tooLong));
    assertEquals("the database failed", e.getMessage());
    assertEquals(Optional.empty(), service.findSupplier("sup_2"));
  }

  @Test
  void givesAmountsBackWithAtLeastTwoDecimalPlaces() {
    RestockOrder order = service.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1"))));
    RestockOrderItem item = service.createItems(order.id(), List.of(ItemInput.of("prod_1", 1, "10.5"))).get(0);
    assertEquals(new BigDecimal("10.50"), item.unitCost());
    assertEquals(new BigDecimal("10.50"), service.findOrder(order.id()).orElseThrow().items().get(0).unitCost());
  }

  @Test
  void keepsWhatItStoredForTheNextStart() {
    String url = newDatabaseUrl();
    RestockOrder order;
    try (Database first = Database.open(url)) {
      SupplierService store = new JdbcSupplierService(first.dataSource());
      order = store.createRestockOrder(new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    }
    try (Database second = Database.open(url)) {
      SupplierService store = new JdbcSupplierService(second.dataSource());
      assertEquals(List.of(order), store.listOrders());
      assertEquals(1, store.listSuppliers().size(), "seeded once");
      assertTrue(store.findSupplier("sup_1").isPresent());
    }
  }

  @Test
  void theConnectionOperationsWorkInTheCallersTransaction() throws SQLException {
    CreateRestockOrderInput input = new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 2, "3.00")));
    RestockOrder order;
    try (Connection c = stepDatabase().getConnection()) {   // a transactional step's attempt that fails later
      c.setAutoCommit(false);
      order = service.createRestockOrder(c, input, "tx-c");
      service.createItems(c, order.id(), input.items(), "tx-c");
      c.rollback();
    }
    assertEquals(List.of(), service.listOrders(), "nothing committed but by the caller");

    try (Connection c = stepDatabase().getConnection()) {
      c.setAutoCommit(false);
      order = service.createRestockOrder(c, input, "tx-c");
      service.createItems(c, order.id(), input.items(), "tx-c");
      c.commit();
    }
    RestockOrder confirmed;
    try (Connection c = stepDatabase().getConnection()) {
      c.setAutoCommit(false);
      confirmed = service.confirmRestockOrder(c, order.id(), "tx-c");
      assertEquals(RestockOrder.CONFIRMED, confirmed.status());
      c.commit();
    }
    assertEquals(Optional.of(confirmed), service.findOrder(order.id()));

    try (Connection c = stepDatabase().getConnection()) {
      c.setAutoCommit(false);
      // update-status again for its run (a checkpoint lost without a JdbcRunStore): the order as it is
      assertEquals(confirmed, service.confirmRestockOrder(c, order.id(), "tx-c"));
      // but not for another run
      String orderId = order.id();
      RestockException e = assertThrows(RestockException.class, () -> service.confirmRestockOrder(c, orderId, "tx-x"));
      assertEquals(RestockException.Reason.INVALID_STATUS, e.reason());
      c.rollback();
    }
  }
}
