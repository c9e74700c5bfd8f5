package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link SupplierService}, which every implementation keeps: each subclass runs all of
 * these tests against its own store. Amounts have two decimal places here, since a database store
 * gives them back with at least two.
 */
abstract class SupplierServiceContractTest {

  /** A new, empty (seeded) store that confirms by {@code policy}. */
  protected abstract SupplierService newService(ConfirmationPolicy policy);

  /** Releases what {@link #newService} opened (a database, say). */
  protected void closeServices() {}

  /**
   * Where the workflow's transactional steps take their connection from, for {@link #service}: its
   * own database, or one in memory for a store that writes none.
   */
  protected DataSource stepDatabase() {
    return InMemoryDatabase.dataSource();
  }

  protected SupplierService service;

  @BeforeEach
  void createService() {
    service = newService(ConfirmationPolicy.creditLimit());
  }

  @AfterEach
  void closeService() {
    closeServices();
  }

  private RestockOrder newOrder() {
    return service.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00")), "a note"));
  }

  @Test
  void seedsSupplierSup1WithThreeProducts() {
    Supplier supplier = service.findSupplier("sup_1").orElseThrow();
    assertEquals(Set.of("prod_1", "prod_2", "prod_3"), supplier.productIds());
    assertEquals(SupplierService.SEED_CREDIT_LIMIT, supplier.creditLimit());
    assertEquals(List.of(supplier), service.listSuppliers());
    assertEquals(List.of(), service.listOrders());
    assertEquals(Optional.empty(), service.findSupplier("sup_404"));
    assertEquals(Optional.empty(), service.findSupplier(null));
  }

  @Test
  void putsAndReplacesSuppliers() {
    Supplier other = new Supplier("sup_2", "Other", Set.of("prod_7"), new BigDecimal("50.00"));
    service.putSupplier(other);
    assertEquals(Optional.of(other), service.findSupplier("sup_2"));
    Supplier changed = new Supplier("sup_2", "Other Ltd", Set.of("prod_8", "prod_9"), new BigDecimal("60.00"));
    service.putSupplier(changed);
    assertEquals(Optional.of(changed), service.findSupplier("sup_2"));
    assertEquals(2, service.listSuppliers().size());
  }

  @Test
  void anOrderAndItemsKeyedOnATransactionIdAreMadeOnce() {
    CreateRestockOrderInput input = new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 2, "1.00")));
    RestockOrder order = service.createRestockOrder(input, "tx-1");
    assertEquals(order, service.createRestockOrder(input, "tx-1"));
    RestockOrder other = service.createRestockOrder(input, "tx-2");
    assertNotEquals(order.id(), other.id());
    assertEquals(2, service.countOrders());

    List<ItemInput> inputs = List.of(ItemInput.of("prod_1", 2, "1.00"), ItemInput.of("prod_2", 1, "3.00"));
    List<RestockOrderItem> items = service.createItems(order.id(), inputs, "tx-1");
    assertEquals(items, service.createItems(order.id(), inputs, "tx-1"));
    assertEquals(2, service.countItems());
    assertEquals(items, service.findOrder(order.id()).orElseThrow().items());
    // the order as it is now, with its items
    assertEquals(service.findOrder(order.id()).orElseThrow(), service.createRestockOrder(input, "tx-1"));

    // once the order is deleted (a compensation), the key makes a new one
    service.deleteRestockOrder(order.id());
    RestockOrder again = service.createRestockOrder(input, "tx-1");
    assertNotEquals(order.id(), again.id());
    assertEquals(List.of(), again.items());
  }

  @Test
  void anUnkeyedCreateMakesANewOrderEachTime() {
    CreateRestockOrderInput input = new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 2, "1.00")));
    assertNotEquals(service.createRestockOrder(input, null).id(), service.createRestockOrder(input, null).id());
    assertEquals(2, service.countOrders());
  }

  @Test
  void pagesTheOrdersOldestFirst() {
    List<RestockOrder> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RestockOrder order = newOrder();
      service.createItems(order.id(), List.of(ItemInput.of("prod_1", i + 1, "1.00")));
      made.add(service.findOrder(order.id()).orElseThrow());
    }
    assertEquals(made, service.listOrders());
    assertEquals(made.subList(1, 3), service.listOrders(1, 2));
    assertEquals(made.subList(4, 5), service.listOrders(4, 50));
    assertEquals(List.of(), service.listOrders(5, 50));
    assertEquals(List.of(), service.listOrders(0, 0));
  }

  @Test
  void createsAPendingOrderWithoutItems() {
    RestockOrder order = newOrder();
    assertTrue(order.id().startsWith("ro_"), order.id());
    assertEquals(RestockOrder.PENDING, order.status());
    assertEquals("sup_1", order.supplierId());
    assertEquals("a note", order.notes());
    assertEquals(0, order.totalItems());
    assertEquals(0, order.totalCost().signum());
    assertEquals(Optional.of(order), service.findOrder(order.id()));
    assertEquals(Optional.empty(), service.findOrder("ro_404"));
    assertEquals(Optional.empty(), service.findOrder(null));
  }

  @Test
  void keepsAbsentNotesAbsent() {
    RestockOrder order = service.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    assertEquals(null, service.findOrder(order.id()).orElseThrow().notes());
  }

  @Test
  void listsOrdersOldestFirst() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(newOrder().id());
    }
    List<String> listed = new ArrayList<>();
    for (RestockOrder order : service.listOrders()) {
      listed.add(order.id());
    }
    assertEquals(ids, listed);
    assertEquals(5, service.countOrders());
  }

  @Test
  void rejectsAnUnknownSupplier() {
    RestockException e = assertThrows(RestockException.class, () -> service.createRestockOrder(
        new CreateRestockOrderInput("sup_404", List.of(ItemInput.of("prod_1", 1, "1.00")))));
    assertEquals(RestockException.Reason.UNKNOWN_SUPPLIER, e.reason());
    assertEquals("unknown supplier sup_404", e.getMessage());
    assertEquals(0, service.countOrders());
  }

  @Test
  void createsItemsAllOrNone() {
    RestockOrder order = newOrder();
    RestockException e = assertThrows(RestockException.class, () -> service.createItems(order.id(), List.of(
        ItemInput.of("prod_1", 1, "1.00"), ItemInput.of("prod_9", 1, "1.00"), ItemInput.of("prod_8", 1, "1.00"))));
    assertEquals(RestockException.Reason.PRODUCT_NOT_CARRIED, e.reason());
    assertEquals("supplier sup_1 does not carry products prod_9, prod_8", e.getMessage());
    assertEquals(0, service.countItems());
    assertEquals(order, service.findOrder(order.id()).orElseThrow());

    List<RestockOrderItem> items = service.createItems(order.id(),
        List.of(ItemInput.of("prod_1", 2, "1.50"), ItemInput.of("prod_3", 1, "7.00")));
    assertEquals(2, items.size());
    assertNotEquals(items.get(0).id(), items.get(1).id());
    assertTrue(items.get(0).id().startsWith("roi_"), items.get(0).id());
    assertEquals(new RestockOrderItem(items.get(0).id(), "prod_1", 2, new BigDecimal("1.50")), items.get(0));
    RestockOrder updated = service.findOrder(order.id()).orElseThrow();
    assertEquals(items, updated.items());
    assertEquals(2, updated.totalItems());
    assertEquals(0, new BigDecimal("10.00").compareTo(updated.totalCost()));

    // more items later come after the first ones
    List<RestockOrderItem> more = service.createItems(order.id(), List.of(ItemInput.of("prod_2", 1, "0.25")));
    assertEquals(List.of(items.get(0), items.get(1), more.get(0)), service.findOrder(order.id()).orElseThrow().items());
    assertEquals(3, service.countItems());
  }

  @Test
  void keepsAmountsWithFourDecimalPlacesExactly() {
    RestockOrder order = newOrder();
    service.createItems(order.id(), List.of(ItemInput.of("prod_1", 3, "0.3333")));
    RestockOrder read = service.findOrder(order.id()).orElseThrow();
    assertEquals(0, new BigDecimal("0.3333").compareTo(read.items().get(0).unitCost()));
    assertEquals(0, new BigDecimal("0.9999").compareTo(read.totalCost()));
  }

  @Test
  void createItemsNeedsAnExistingPendingOrder() {
    List<ItemInput> items = List.of(ItemInput.of("prod_1", 1, "1.00"));
    RestockException missing = assertThrows(RestockException.class, () -> service.createItems("ro_9", items));
    assertEquals(RestockException.Reason.ORDER_NOT_FOUND, missing.reason());
    assertEquals("restock order ro_9 does not exist", missing.getMessage());

    RestockOrder order = newOrder();
    service.createItems(order.id(), items);
    service.confirmRestockOrder(order.id());
    RestockException confirmed = assertThrows(RestockException.class, () -> service.createItems(order.id(), items));
    assertEquals(RestockException.Reason.INVALID_STATUS, confirmed.reason());
    assertEquals("items can only be added to a pending order; order " + order.id() + " is confirmed",
        confirmed.getMessage());
    assertEquals(1, service.countItems());
  }

  @Test
  void deletesItemsAndOrdersIdempotently() {
    RestockOrder order = newOrder();
    List<RestockOrderItem> items = service.createItems(order.id(),
        List.of(ItemInput.of("prod_1", 1, "1.00"), ItemInput.of("prod_2", 1, "2.00"), ItemInput.of("prod_3", 1, "3.00")));

    assertEquals(1, service.deleteItems(List.of(items.get(0).id(), "roi_404")));
    assertEquals(0, service.deleteItems(List.of(items.get(0).id())));
    assertEquals(2, service.countItems());
    assertEquals(0, new BigDecimal("5.00").compareTo(service.findOrder(order.id()).orElseThrow().totalCost()));

    // deleting the order deletes its remaining items too
    assertEquals(List.of(items.get(1), items.get(2)), service.deleteRestockOrder(order.id()).orElseThrow().items());
    assertEquals(Optional.empty(), service.deleteRestockOrder(order.id()));
    assertEquals(0, service.deleteItems(List.of(items.get(1).id())));
    assertEquals(0, service.countItems());
    assertEquals(0, service.countOrders());
  }

  @Test
  void confirmsOnlyPendingOrdersWithItemsWithinTheCreditLimit() {
    RestockOrder empty = newOrder();
    RestockException noItems = assertThrows(RestockException.class, () -> service.confirmRestockOrder(empty.id()));
    assertEquals(RestockException.Reason.INVALID_STATUS, noItems.reason());
    assertEquals("order " + empty.id() + " has no items and cannot be confirmed", noItems.getMessage());
    RestockException missing = assertThrows(RestockException.class, () -> service.confirmRestockOrder("ro_404"));
    assertEquals(RestockException.Reason.ORDER_NOT_FOUND, missing.reason());

    RestockOrder big = newOrder();
    service.createItems(big.id(), List.of(ItemInput.of("prod_1", 2, "600.00")));
    RestockException rejected = assertThrows(RestockException.class, () -> service.confirmRestockOrder(big.id()));
    assertEquals(RestockException.Reason.ORDER_REJECTED, rejected.reason());
    assertEquals("order " + big.id() + " rejected: total cost 1200.00 exceeds the credit limit 1000.00 of supplier sup_1",
        rejected.getMessage());
    assertEquals(RestockOrder.PENDING, service.findOrder(big.id()).orElseThrow().status());

    RestockOrder small = newOrder();
    service.createItems(small.id(), List.of(ItemInput.of("prod_1", 2, "6.00")));
    RestockOrder confirmed = service.confirmRestockOrder(small.id());
    assertEquals(RestockOrder.CONFIRMED, confirmed.status());
    assertEquals(Optional.of(confirmed), service.findOrder(small.id()));
    RestockException twice = assertThrows(RestockException.class, () -> service.confirmRestockOrder(small.id()));
    assertEquals(RestockException.Reason.INVALID_STATUS, twice.reason());
    assertEquals("only a pending order can be confirmed; order " + small.id() + " is confirmed", twice.getMessage());

    assertEquals(RestockOrder.PENDING, service.updateStatus(small.id(), RestockOrder.PENDING).status());
    assertEquals(RestockOrder.PENDING, service.findOrder(small.id()).orElseThrow().status());
  }

  @Test
  void appliesTheGivenConfirmationPolicy() {
    SupplierService strict = newService(ConfirmationPolicy.creditLimit().and(
        (supplier, order) -> order.notes() == null ? Optional.of("a note is required") : Optional.empty()));
    RestockOrder order = strict.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    strict.createItems(order.id(), List.of(ItemInput.of("prod_1", 1, "1.00")));
    RestockException e = assertThrows(RestockException.class, () -> strict.confirmRestockOrder(order.id()));
    assertEquals("order " + order.id() + " rejected: a note is required", e.getMessage());

    SupplierService lenient = newService(ConfirmationPolicy.approveAll());
    RestockOrder big = lenient.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    lenient.createItems(big.id(), List.of(ItemInput.of("prod_1", 1000, "1000.00")));
    assertTrue(lenient.confirmRestockOrder(big.id()).confirmed());
  }

  @Test
  void thePolicyJudgesTheOrderThatIsConfirmed() {
    // Items are added while the policy looks at the order: the policy is asked again, and sees them.
    List<Integer> itemCountsSeen = new ArrayList<>();
    SupplierService[] store = new SupplierService[1];
    store[0] = newService((supplier, order) -> {
      itemCountsSeen.add(order.items().size());
      if (itemCountsSeen.size() == 1) {
        store[0].createItems(order.id(), List.of(ItemInput.of("prod_2", 1, "999.00")));
      }
      return ConfirmationPolicy.creditLimit().rejectionReason(supplier, order);
    });
    RestockOrder order = store[0].createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    store[0].createItems(order.id(), List.of(ItemInput.of("prod_1", 2, "1.00")));

    RestockException e = assertThrows(RestockException.class, () -> store[0].confirmRestockOrder(order.id()));
    assertEquals(RestockException.Reason.ORDER_REJECTED, e.reason());
    assertEquals(List.of(1, 2), itemCountsSeen);
    assertEquals(RestockOrder.PENDING, store[0].findOrder(order.id()).orElseThrow().status());
  }

  @Test
  void updateStatusAcceptsOnlyKnownStatuses() {
    RestockOrder order = newOrder();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> service.updateStatus(order.id(), "shipped"));
    assertEquals("status must be \"pending\" or \"confirmed\", was \"shipped\"", e.getMessage());
    RestockException missing = assertThrows(RestockException.class,
        () -> service.updateStatus("ro_404", RestockOrder.CONFIRMED));
    assertEquals(RestockException.Reason.ORDER_NOT_FOUND, missing.reason());
  }

  @Test
  void refusesWritesWhileSuspendedButStillReads() {
    RestockOrder order = newOrder();
    service.suspendWrites("backup");
    assertTrue(service.writesSuspended());
    StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> newOrder());
    assertEquals("the store accepts no writes at the moment: backup", e.getMessage());
    assertThrows(StoreUnavailableException.class, () -> service.deleteRestockOrder(order.id()));
    assertThrows(StoreUnavailableException.class,
        () -> service.createItems(order.id(), List.of(ItemInput.of("prod_1", 1, "1.00"))));
    assertThrows(StoreUnavailableException.class, () -> service.deleteItems(List.of("roi_1")));
    assertEquals(Optional.of(order), service.findOrder(order.id()));

    service.resumeWrites();
    assertFalse(service.writesSuspended());
    assertTrue(service.deleteRestockOrder(order.id()).isPresent());
  }

  @Test
  void theWorkflowConfirmsOrRevertsThroughTheRunner() {
    CreateRestockOrderWorkflowRunner runner = CreateRestockOrderWorkflowRunner.create(Container.of(service, stepDatabase()));
    RestockOrder confirmed = runner.run(new CreateRestockOrderInput("sup_1",
        List.of(ItemInput.of("prod_1", 2, "10.50"), ItemInput.of("prod_2", 1, "4.00")), "weekly")).result();
    assertEquals(RestockOrder.CONFIRMED, confirmed.status());
    assertEquals(Optional.of(confirmed), service.findOrder(confirmed.id()));

    WorkflowResult<RestockOrder> overLimit = runner.run(new CreateRestockOrderInput("sup_1",
        List.of(ItemInput.of("prod_3", 40, "30.00"))), RunOptions.builder().throwOnError(false).build());
    assertEquals(WorkflowStatus.REVERTED, overLimit.status());
    WorkflowResult<RestockOrder> notCarried = runner.run(new CreateRestockOrderInput("sup_1",
        List.of(ItemInput.of("prod_1", 1, "1.00"), ItemInput.of("prod_x", 1, "1.00"))),
        RunOptions.builder().throwOnError(false).build());
    assertEquals(WorkflowStatus.REVERTED, notCarried.status());

    assertEquals(List.of(confirmed), service.listOrders());
    assertEquals(2, service.countItems());
  }

  @Test
  void concurrentRunsStayConsistent() throws Exception {
    CreateRestockOrderWorkflowRunner runner = CreateRestockOrderWorkflowRunner.create(Container.of(service, stepDatabase()));
    int runs = 40;
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<WorkflowResult<RestockOrder>>> futures = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        CreateRestockOrderInput input = switch (i % 4) {
          case 0, 1 -> new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", i + 1, "2.00")));
          case 2 -> new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_2", 100, "20.00")));
          default -> new CreateRestockOrderInput("sup_1",
              List.of(ItemInput.of("prod_1", 1, "1.00"), ItemInput.of("prod_x", 1, "1.00")));
        };
        futures.add(pool.submit(() -> runner.run(input, RunOptions.builder().throwOnError(false).build())));
      }
      Set<String> confirmed = new HashSet<>();
      for (int i = 0; i < runs; i++) {
        WorkflowResult<RestockOrder> result = futures.get(i).get(60, TimeUnit.SECONDS);
        if (i % 4 < 2) {
          assertEquals(WorkflowStatus.DONE, result.status(), result::toString);
          confirmed.add(result.result().id());
        } else {
          assertEquals(WorkflowStatus.REVERTED, result.status(), result::toString);
        }
      }
      assertEquals(runs / 2, confirmed.size());
      assertEquals(runs / 2, service.countOrders());
      assertEquals(runs / 2, service.countItems());
      for (RestockOrder order : service.listOrders()) {
        assertTrue(confirmed.contains(order.id()), order::toString);
        assertEquals(RestockOrder.CONFIRMED, order.status());
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }
}
