package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * "Testing a workflow" in docs/guide.md: a hand-written fake of the workflow's service in a
 * {@link Container}, the generated runner, and assertions on the result and on the calls the fake
 * recorded. The guide's snippets are taken from this file ({@link GuideSnippetsTest} keeps them equal).
 */
class GuideTestingExampleTest {

  /** The workflow's service, in memory: it records each call, and fails the method named in {@code failing}. */
  static final class FakeSupplierService implements SupplierService {
    final List<String> calls = new ArrayList<>();
    String failing = "";
    private final AuditTrail auditTrail = new AuditTrail();
    private RestockOrder order;

    private void call(String method, Object argument) {
      calls.add(method + " " + argument);
      if (method.equals(failing)) {
        throw new IllegalStateException(method + " failed");
      }
    }

    @Override
    public RestockOrder createRestockOrder(CreateRestockOrderInput input) {
      call("createRestockOrder", input.supplierId());
      order = RestockOrder.of("ro_1", input.supplierId(), RestockOrder.PENDING, input.notes(), List.of());
      return order;
    }

    @Override
    public List<RestockOrderItem> createItems(String orderId, List<ItemInput> items) {
      call("createItems", orderId);
      List<RestockOrderItem> created = new ArrayList<>();
      for (ItemInput item : items) {
        created.add(new RestockOrderItem("roi_" + (created.size() + 1), item.productId(), item.quantity(), item.unitCost()));
      }
      order = order.withItems(created);
      return created;
    }

    @Override
    public RestockOrder confirmRestockOrder(String orderId) {
      call("confirmRestockOrder", orderId);
      order = order.withStatus(RestockOrder.CONFIRMED);
      return order;
    }

    @Override
    public int deleteItems(Collection<String> itemIds) {
      call("deleteItems", itemIds);
      return itemIds.size();
    }

    @Override
    public Optional<RestockOrder> deleteRestockOrder(String orderId) {
      call("deleteRestockOrder", orderId);
      return Optional.ofNullable(order);
    }

    @Override
    public RestockOrder updateStatus(String orderId, String status) {
      call("updateStatus", orderId + " " + status);
      order = order.withStatus(status);
      return order;
    }

    @Override
    public AuditTrail auditTrail() {
      return auditTrail;
    }

    // The workflow calls none of these.
    @Override public Supplier putSupplier(Supplier supplier) { throw new UnsupportedOperationException(); }
    @Override public Optional<Supplier> findSupplier(String supplierId) { throw new UnsupportedOperationException(); }
    @Override public List<Supplier> listSuppliers() { throw new UnsupportedOperationException(); }
    @Override public Optional<RestockOrder> findOrder(String orderId) { throw new UnsupportedOperationException(); }
    @Override public List<RestockOrder> listOrders() { throw new UnsupportedOperationException(); }
    @Override public int countOrders() { throw new UnsupportedOperationException(); }
    @Override public int countItems() { throw new UnsupportedOperationException(); }
    @Override public void suspendWrites(String reason) { throw new UnsupportedOperationException(); }
    @Override public void resumeWrites() { throw new UnsupportedOperationException(); }
    @Override public boolean writesSuspended() { throw new UnsupportedOperationException(); }
  }

  private final FakeSupplierService suppliers = new FakeSupplierService();
  private final CreateRestockOrderWorkflowRunner runner =
      CreateRestockOrderWorkflowRunner.create(Container.of(suppliers, InMemoryDatabase.dataSource()));
  private final CreateRestockOrderInput input =
      new CreateRestockOrderInput("sup_1", List.of(ItemInput.of("prod_1", 2, "10.50")));

  @Test
  void confirmsTheOrder() {
    WorkflowResult<RestockOrder> result = runner.run(input);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(RestockOrder.CONFIRMED, result.result().status());
    assertEquals(1, result.result().totalItems());
    assertEquals(List.of("createRestockOrder sup_1", "createItems ro_1", "confirmRestockOrder ro_1"), suppliers.calls);
  }

  @Test
  void undoesTheCompletedStepsInReverseOrderWhenConfirmingFails() {
    suppliers.failing = "confirmRestockOrder";

    WorkflowResult<RestockOrder> result = runner.run(input, RunOptions.builder().throwOnError(false).build());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals("update-status", result.errors().get(0).step());
    assertEquals("confirmRestockOrder failed", result.errors().get(0).cause().getMessage());
    assertEquals(List.of(
        "createRestockOrder sup_1", "createItems ro_1", "confirmRestockOrder ro_1",
        "deleteItems [roi_1]", "deleteRestockOrder ro_1"),       // the compensations, last step first
        suppliers.calls);
  }
}
