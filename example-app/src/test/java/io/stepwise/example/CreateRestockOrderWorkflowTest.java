package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.math.BigDecimal;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The create-restock-order workflow, run through the generated runner. */
class CreateRestockOrderWorkflowTest {

  /** What the transactional steps get when called directly: the in-memory service writes nothing with it. */
  private static final Connection NO_CONNECTION = null;

  private SupplierService service;
  private CreateRestockOrderWorkflowRunner runner;

  @BeforeEach
  void setUp() {
    service = new InMemorySupplierService();
    runner = CreateRestockOrderWorkflowRunner.create(Container.of(service, InMemoryDatabase.dataSource()));
  }

  private static CreateRestockOrderInput order(ItemInput... items) {
    return new CreateRestockOrderInput(SupplierService.SEED_SUPPLIER_ID, List.of(items), "restock");
  }

  private List<String> audit(String transactionId) {
    List<String> lines = new ArrayList<>();
    for (AuditTrail.Entry entry : service.auditTrail().entries(transactionId)) {
      lines.add(entry.toString());
    }
    return lines;
  }

  private void assertNothingRemains() {
    assertEquals(List.of(), service.listOrders());
    assertEquals(0, service.countOrders());
    assertEquals(0, service.countItems());
  }

  @Test
  void confirmsTheOrderWithItsItemsAndTotals() {
    WorkflowResult<RestockOrder> result = runner.run(
        order(ItemInput.of("prod_1", 2, "10.50"), ItemInput.of("prod_2", 3, "4.25")));

    assertEquals(WorkflowStatus.DONE, result.status());
    assertTrue(result.isDone());
    assertEquals(List.of(), result.errors());
    assertEquals("create-restock-order", result.workflowName());
    assertFalse(result.transactionId().isBlank());

    RestockOrder order = result.result();
    assertEquals("ro_1", order.id());
    assertEquals(RestockOrder.CONFIRMED, order.status());
    assertEquals("sup_1", order.supplierId());
    assertEquals("restock", order.notes());
    assertEquals(2, order.totalItems());
    assertEquals(0, new BigDecimal("33.75").compareTo(order.totalCost()), order.totalCost().toPlainString());
    assertEquals(2, order.items().size());
    assertEquals(new RestockOrderItem("roi_1", "prod_1", 2, new BigDecimal("10.50")), order.items().get(0));
    assertEquals(new RestockOrderItem("roi_2", "prod_2", 3, new BigDecimal("4.25")), order.items().get(1));

    assertEquals(Optional.of(order), service.findOrder("ro_1"));
    assertEquals(List.of(order), service.listOrders());
    assertEquals(2, service.countItems());
    assertEquals(List.of(
        "create-order: created order ro_1 for supplier sup_1 (pending)",
        "create-items: created items roi_1, roi_2 of order ro_1",
        "update-status: confirmed order ro_1 with 2 item(s), total cost 33.75"),
        audit(result.transactionId()));
  }

  @Test
  void usesTheGivenTransactionIdOrAFreshOne() {
    WorkflowResult<RestockOrder> given = runner.run(order(ItemInput.of("prod_1", 1, "1.00")),
        RunOptions.builder().transactionId("order-42").build());
    WorkflowResult<RestockOrder> fresh1 = runner.run(order(ItemInput.of("prod_1", 1, "1.00")));
    WorkflowResult<RestockOrder> fresh2 = runner.run(order(ItemInput.of("prod_1", 1, "1.00")));

    assertEquals("order-42", given.transactionId());
    assertEquals(3, audit("order-42").size());
    assertNotEquals(fresh1.transactionId(), fresh2.transactionId());
    assertNotEquals("order-42", fresh1.transactionId());
    assertEquals(3, service.countOrders());
  }

  @Test
  void revertsTheOrderWhenTheCreditLimitRejectsItAtUpdateStatus() {
    // 40 x 30.00 = 1200.00, over the seed supplier's credit limit of 1000.00
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(order(ItemInput.of("prod_3", 40, "30.00"), ItemInput.of("prod_1", 1, "0"))));

    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    RestockException cause = assertInstanceOf(RestockException.class, e.getCause());
    assertEquals(RestockException.Reason.ORDER_REJECTED, cause.reason());
    assertEquals("order ro_1 rejected: total cost 1200.00 exceeds the credit limit 1000.00 of supplier sup_1",
        cause.getMessage());

    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("update-status", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertSame(cause, error.cause());
    assertEquals(1, error.attempts());

    // the compensations ran in reverse order: items first, then the order
    assertEquals(List.of(
        "create-order: created order ro_1 for supplier sup_1 (pending)",
        "create-items: created items roi_1, roi_2 of order ro_1",
        "update-status: failed: " + cause.getMessage(),
        "compensate create-items: deleted items roi_1, roi_2",
        "compensate create-order: deleted order ro_1"),
        audit(result.transactionId()));
    assertNothingRemains();
  }

  @Test
  void returnsTheFailedResultInsteadOfThrowingWhenAsked() {
    WorkflowResult<RestockOrder> result = runner.run(order(ItemInput.of("prod_3", 1, "1000.01")),
        RunOptions.builder().transactionId("too-expensive").throwOnError(false).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("too-expensive", result.transactionId());
    assertNull(result.result());
    assertEquals(1, result.errors().size());
    assertEquals("update-status", result.errors().get(0).step());
    assertNothingRemains();
  }

  @Test
  void confirmsAnOrderExactlyAtTheCreditLimit() {
    RestockOrder order = runner.run(order(ItemInput.of("prod_3", 100, "10.00"))).result();

    assertEquals(RestockOrder.CONFIRMED, order.status());
    assertEquals(0, SupplierService.SEED_CREDIT_LIMIT.compareTo(order.totalCost()));
  }

  @Test
  void revertsTheOrderWhenTheSupplierDoesNotCarryAProduct() {
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.run(
        order(ItemInput.of("prod_1", 2, "10.50"), ItemInput.of("prod_9", 1, "3.00"), ItemInput.of("prod_2", 1, "1.00"))));

    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    RestockException cause = assertInstanceOf(RestockException.class, e.getCause());
    assertEquals(RestockException.Reason.PRODUCT_NOT_CARRIED, cause.reason());
    assertEquals("supplier sup_1 does not carry product prod_9", cause.getMessage());
    assertEquals(1, result.errors().size());
    assertEquals("create-items", result.errors().get(0).step());
    assertEquals(StepPhase.INVOKE, result.errors().get(0).phase());

    // create-items added nothing, so only the order is undone
    assertEquals(List.of(
        "create-order: created order ro_1 for supplier sup_1 (pending)",
        "create-items: failed: supplier sup_1 does not carry product prod_9",
        "compensate create-order: deleted order ro_1"),
        audit(result.transactionId()));
    assertNothingRemains();
  }

  @Test
  void failsAtCreateOrderForAnUnknownSupplier() {
    CreateRestockOrderInput input = new CreateRestockOrderInput("sup_9", List.of(ItemInput.of("prod_1", 1, "1.00")));

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.run(input));

    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    RestockException cause = assertInstanceOf(RestockException.class, e.getCause());
    assertEquals(RestockException.Reason.UNKNOWN_SUPPLIER, cause.reason());
    assertEquals("unknown supplier sup_9", cause.getMessage());
    assertEquals(1, result.errors().size());
    assertEquals("create-order", result.errors().get(0).step());
    assertEquals(StepPhase.INVOKE, result.errors().get(0).phase());
    assertEquals(List.of("create-order: failed: unknown supplier sup_9"), audit(result.transactionId()));
    assertNothingRemains();
  }

  @Test
  void endsFailedWhenTheStoreGoesIntoMaintenanceDuringTheRun() {
    // The store stops accepting writes while the order is being confirmed (a database failover,
    // say): update-status fails, and so do the compensations, which cannot write either.
    AtomicReference<SupplierService> store = new AtomicReference<>();
    service = new InMemorySupplierService((supplier, order) -> {
      store.get().suspendWrites("database failover");
      return Optional.empty();
    });
    store.set(service);
    runner = CreateRestockOrderWorkflowRunner.create(Container.of(service, InMemoryDatabase.dataSource()));

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(order(ItemInput.of("prod_1", 2, "10.50"), ItemInput.of("prod_2", 1, "4.00"))));

    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertInstanceOf(StoreUnavailableException.class, e.getCause());
    List<StepError> errors = result.errors();
    assertEquals(3, errors.size(), errors::toString);
    assertEquals("update-status", errors.get(0).step());
    assertEquals(StepPhase.INVOKE, errors.get(0).phase());
    assertEquals("create-items", errors.get(1).step());
    assertEquals(StepPhase.COMPENSATE, errors.get(1).phase());
    assertEquals("create-order", errors.get(2).step());
    assertEquals(StepPhase.COMPENSATE, errors.get(2).phase());
    for (StepError error : errors) {
      assertInstanceOf(StoreUnavailableException.class, error.cause());
    }
    assertEquals(2, e.getSuppressed().length);

    String unavailable = "failed: the store accepts no writes at the moment: database failover";
    assertEquals(List.of(
        "create-order: created order ro_1 for supplier sup_1 (pending)",
        "create-items: created items roi_1, roi_2 of order ro_1",
        "update-status: " + unavailable,
        "compensate create-items: " + unavailable,
        "compensate create-order: " + unavailable),
        audit(result.transactionId()));

    // FAILED: the work was not undone. The pending order is still there, and can be removed by hand.
    service.resumeWrites();
    RestockOrder left = service.findOrder("ro_1").orElseThrow();
    assertEquals(RestockOrder.PENDING, left.status());
    assertEquals(2, left.items().size());
    assertTrue(service.deleteRestockOrder("ro_1").isPresent());
    assertNothingRemains();
  }

  @Test
  void eachStepRunAgainForItsRunMakesNothingMore() {
    // a durable engine runs a step again when the process died after its work, before its checkpoint
    CreateRestockOrderWorkflow workflow = new CreateRestockOrderWorkflow(service);
    CreateRestockOrderInput input = order(ItemInput.of("prod_1", 2, "5.00"), ItemInput.of("prod_2", 1, "1.00"));

    RestockOrder order = workflow.createOrder(input, NO_CONNECTION, new TestStepContext("tx-again", "create-order", false)).output();
    assertEquals(order, workflow.createOrder(input, NO_CONNECTION, new TestStepContext("tx-again", "create-order", false)).output());
    List<RestockOrderItem> items =
        workflow.createItems(order, input, NO_CONNECTION, new TestStepContext("tx-again", "create-items", false)).output();
    assertEquals(items, workflow.createItems(order, input, NO_CONNECTION, new TestStepContext("tx-again", "create-items", false)).output());
    RestockOrder confirmed = workflow.confirm(items, order, NO_CONNECTION, new TestStepContext("tx-again", "update-status", false));
    assertEquals(confirmed, workflow.confirm(items, order, NO_CONNECTION, new TestStepContext("tx-again", "update-status", false)));

    assertEquals(1, service.countOrders());
    assertEquals(2, service.countItems());
    assertEquals(RestockOrder.CONFIRMED, confirmed.status());
    assertEquals(Optional.of(confirmed), service.findOrder(order.id()));
  }

  @Test
  void revertStatusSetsTheOrderBackToPending() {
    // update-status is the last step, so no run ever needs its compensation; check it directly.
    RestockOrder confirmed = runner.run(order(ItemInput.of("prod_1", 1, "5.00"))).result();
    CreateRestockOrderWorkflow workflow = new CreateRestockOrderWorkflow(service);

    workflow.revertStatus(confirmed, new TestStepContext("tx-revert", "update-status", true));

    assertEquals(RestockOrder.PENDING, service.findOrder(confirmed.id()).orElseThrow().status());
    assertEquals(List.of("compensate update-status: set order ro_1 back to pending"), audit("tx-revert"));
  }

  @Test
  void concurrentRunsStayConsistent() throws Exception {
    int runs = 200;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<CreateRestockOrderInput> inputs = new ArrayList<>();
    List<Future<WorkflowResult<RestockOrder>>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < runs; i++) {
        CreateRestockOrderInput input = switch (i % 4) {
          case 0, 1 -> order(ItemInput.of("prod_" + (i % 3 + 1), i % 7 + 1, "12.00"), ItemInput.of("prod_2", 1, "0.50"));
          case 2 -> order(ItemInput.of("prod_2", 100, "20.00"));                          // over the credit limit
          default -> order(ItemInput.of("prod_1", 1, "1.00"), ItemInput.of("prod_x", 1, "1.00")); // not carried
        };
        inputs.add(input);
        RunOptions options = RunOptions.builder().throwOnError(false).build();
        futures.add(pool.submit(() -> {
          start.await();
          return runner.run(input, options);
        }));
      }
      start.countDown();

      Set<String> transactionIds = new HashSet<>();
      Set<String> confirmedIds = new HashSet<>();
      int items = 0;
      for (int i = 0; i < runs; i++) {
        WorkflowResult<RestockOrder> result = futures.get(i).get(60, TimeUnit.SECONDS);
        assertTrue(transactionIds.add(result.transactionId()), "duplicate transaction id");
        List<AuditTrail.Entry> audit = service.auditTrail().entries(result.transactionId());
        switch (i % 4) {
          case 0, 1 -> {
            assertEquals(WorkflowStatus.DONE, result.status(), result::toString);
            RestockOrder order = result.result();
            assertEquals(RestockOrder.CONFIRMED, order.status());
            assertEquals(Optional.of(order), service.findOrder(order.id()));
            assertEquals(inputs.get(i).items().size(), order.items().size());
            assertEquals(inputs.get(i).items().size(), order.totalItems());
            assertTrue(confirmedIds.add(order.id()), "duplicate order id");
            items += order.items().size();
            assertEquals(3, audit.size(), audit::toString);
          }
          case 2 -> {
            assertEquals(WorkflowStatus.REVERTED, result.status(), result::toString);
            assertEquals("update-status", result.errors().get(0).step());
            assertEquals(5, audit.size(), audit::toString);
            assertEquals("create-items", audit.get(3).step());
            assertTrue(audit.get(3).compensation());
            assertEquals("create-order", audit.get(4).step());
            assertTrue(audit.get(4).compensation());
          }
          default -> {
            assertEquals(WorkflowStatus.REVERTED, result.status(), result::toString);
            assertEquals("create-items", result.errors().get(0).step());
            assertEquals(3, audit.size(), audit::toString);
            assertEquals("create-order", audit.get(2).step());
            assertTrue(audit.get(2).compensation());
          }
        }
      }

      assertEquals(runs / 2, confirmedIds.size());
      assertEquals(runs / 2, service.countOrders());
      assertEquals(items, service.countItems());
      for (RestockOrder order : service.listOrders()) {
        assertTrue(confirmedIds.contains(order.id()), order::toString);
        assertEquals(RestockOrder.CONFIRMED, order.status());
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
  }
}
