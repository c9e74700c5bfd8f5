package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SupplierServiceTest {

  private final SupplierService service = new InMemorySupplierService();

  private RestockOrder newOrder() {
    return service.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
  }

  @Test
  void seedsSupplierSup1WithThreeProducts() {
    Supplier supplier = service.findSupplier("sup_1").orElseThrow();
    assertEquals(Set.of("prod_1", "prod_2", "prod_3"), supplier.productIds());
    assertEquals(SupplierService.SEED_CREDIT_LIMIT, supplier.creditLimit());
    assertEquals(List.of(supplier), service.listSuppliers());
    assertEquals(List.of(), service.listOrders());
  }

  @Test
  void createsAPendingOrderWithoutItems() {
    RestockOrder order = newOrder();
    assertEquals("ro_1", order.id());
    assertEquals(RestockOrder.PENDING, order.status());
    assertEquals(0, order.totalItems());
    assertEquals(0, order.totalCost().signum());
    assertEquals(Optional.of(order), service.findOrder("ro_1"));
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
        List.of(ItemInput.of("prod_1", 2, "1.50"), ItemInput.of("prod_3", 1, "7")));
    assertEquals(2, items.size());
    RestockOrder updated = service.findOrder(order.id()).orElseThrow();
    assertEquals(items, updated.items());
    assertEquals(3, updated.totalItems());
    assertEquals(0, new BigDecimal("10.00").compareTo(updated.totalCost()));
  }

  @Test
  void createItemsNeedsAnExistingPendingOrder() {
    List<ItemInput> items = List.of(ItemInput.of("prod_1", 1, "1.00"));
    RestockException missing = assertThrows(RestockException.class, () -> service.createItems("ro_9", items));
    assertEquals(RestockException.Reason.ORDER_NOT_FOUND, missing.reason());

    RestockOrder order = newOrder();
    service.createItems(order.id(), items);
    service.confirmRestockOrder(order.id());
    RestockException confirmed = assertThrows(RestockException.class, () -> service.createItems(order.id(), items));
    assertEquals(RestockException.Reason.INVALID_STATUS, confirmed.reason());
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
    assertEquals(2, service.deleteRestockOrder(order.id()).orElseThrow().items().size());
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

    RestockOrder big = newOrder();
    service.createItems(big.id(), List.of(ItemInput.of("prod_1", 2, "600")));
    RestockException rejected = assertThrows(RestockException.class, () -> service.confirmRestockOrder(big.id()));
    assertEquals(RestockException.Reason.ORDER_REJECTED, rejected.reason());
    assertEquals("order ro_2 rejected: total cost 1200 exceeds the credit limit 1000.00 of supplier sup_1",
        rejected.getMessage());
    assertEquals(RestockOrder.PENDING, service.findOrder(big.id()).orElseThrow().status());

    RestockOrder small = newOrder();
    service.createItems(small.id(), List.of(ItemInput.of("prod_1", 2, "6")));
    assertEquals(RestockOrder.CONFIRMED, service.confirmRestockOrder(small.id()).status());
    RestockException twice = assertThrows(RestockException.class, () -> service.confirmRestockOrder(small.id()));
    assertEquals(RestockException.Reason.INVALID_STATUS, twice.reason());

    assertEquals(RestockOrder.PENDING, service.updateStatus(small.id(), RestockOrder.PENDING).status());
  }

  @Test
  void appliesTheGivenConfirmationPolicy() {
    SupplierService strict = new InMemorySupplierService(ConfirmationPolicy.creditLimit().and(
        (supplier, order) -> order.notes() == null ? Optional.of("a note is required") : Optional.empty()));
    RestockOrder order = strict.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    strict.createItems(order.id(), List.of(ItemInput.of("prod_1", 1, "1.00")));
    RestockException e = assertThrows(RestockException.class, () -> strict.confirmRestockOrder(order.id()));
    assertEquals("order ro_1 rejected: a note is required", e.getMessage());

    SupplierService lenient = new InMemorySupplierService(ConfirmationPolicy.approveAll());
    RestockOrder big = lenient.createRestockOrder(
        new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 1, "1.00"))));
    lenient.createItems(big.id(), List.of(ItemInput.of("prod_1", 1000, "1000")));
    assertTrue(lenient.confirmRestockOrder(big.id()).isConfirmed());
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
    assertEquals(Optional.of(order), service.findOrder(order.id()));

    service.resumeWrites();
    assertFalse(service.writesSuspended());
    assertTrue(service.deleteRestockOrder(order.id()).isPresent());
  }
}
