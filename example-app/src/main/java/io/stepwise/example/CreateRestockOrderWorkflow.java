package io.stepwise.example;

import io.stepwise.annotations.Compensate;
import io.stepwise.annotations.From;
import io.stepwise.annotations.Input;
import io.stepwise.annotations.Step;
import io.stepwise.annotations.Workflow;
import io.stepwise.runtime.StepContext;
import io.stepwise.runtime.StepResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "Create restock order" workflow of the Medusa guide: create a pending order for a supplier,
 * add its items, confirm it. When a step fails, the steps before it are undone in reverse order, so
 * that no order and no item of a failed run remain.
 *
 * <p>The three steps are transactional (they take a {@link Connection}): on an engine with a {@code
 * JdbcRunStore} in the orders' database, each writes its rows in the transaction that records its
 * checkpoint, so that the rows and the checkpoint commit together, once. Without one (no engine, or
 * a store elsewhere), the runner takes the connection from the {@code DataSource} in its container
 * and commits the step's work before its checkpoint; a store that keeps its orders elsewhere (in
 * memory) does not use the connection.
 *
 * <p>Without a {@code JdbcRunStore}, a step runs again when the process died after its work and
 * before its checkpoint, and so does a compensation on any store: each is idempotent. create-order
 * and create-items key their writes on the run's transaction id (a second call finds what the first
 * made), update-status finds the order confirmed; the compensations delete or reset what may
 * already be gone or reset.
 *
 * <p>Each step and compensation records what it did in the service's {@link AuditTrail}, under the
 * run's transaction id. The Stepwise processor generates {@code CreateRestockOrderWorkflowRunner}
 * from this class. One instance serves all runs: it keeps no per-run state.
 */
@Workflow("create-restock-order")
public class CreateRestockOrderWorkflow {
  private static final Logger log = LoggerFactory.getLogger(CreateRestockOrderWorkflow.class);

  private final SupplierService suppliers;

  public CreateRestockOrderWorkflow(SupplierService suppliers) {
    this.suppliers = Objects.requireNonNull(suppliers, "suppliers");
  }

  /** Creates the pending order, without items. Fails for an unknown supplier. */
  @Step("create-order")
  StepResponse<RestockOrder, String> createOrder(
      @Input CreateRestockOrderInput input, Connection connection, StepContext ctx) {
    RestockOrder order;
    try {
      order = suppliers.createRestockOrder(connection, input, ctx.transactionId());
    } catch (RuntimeException e) {
      throw stepFailed(ctx, e);
    }
    audit(ctx, "created order " + order.id() + " for supplier " + order.supplierId() + " (" + order.status() + ")");
    return new StepResponse<>(order, order.id());
  }

  @Compensate("create-order")
  void deleteOrder(String orderId, StepContext ctx) {
    Optional<RestockOrder> deleted;
    try {
      deleted = suppliers.deleteRestockOrder(orderId);
    } catch (RuntimeException e) {
      throw failed(ctx, e);
    }
    if (deleted.isEmpty()) {
      audit(ctx, "order " + orderId + " was already deleted");
    } else if (deleted.get().items().isEmpty()) {
      audit(ctx, "deleted order " + orderId);
    } else {
      audit(ctx, "deleted order " + orderId + " and its items " + String.join(", ", ids(deleted.get().items())));
    }
  }

  /**
   * Adds the input's items to the order, all or none. Fails, adding nothing, if the supplier does
   * not carry one of the products; the order is then deleted by the compensation of create-order.
   */
  @Step("create-items")
  StepResponse<List<RestockOrderItem>, List<String>> createItems(
      @From("create-order") RestockOrder order, @Input CreateRestockOrderInput input, Connection connection,
      StepContext ctx) {
    List<RestockOrderItem> items;
    try {
      items = suppliers.createItems(connection, order.id(), input.items(), ctx.transactionId());
    } catch (RuntimeException e) {
      throw stepFailed(ctx, e);
    }
    List<String> itemIds = ids(items);
    audit(ctx, "created items " + String.join(", ", itemIds) + " of order " + order.id());
    return new StepResponse<>(items, itemIds);
  }

  @Compensate("create-items")
  void deleteItems(List<String> itemIds, StepContext ctx) {
    int deleted;
    try {
      deleted = suppliers.deleteItems(itemIds);
    } catch (RuntimeException e) {
      throw failed(ctx, e);
    }
    audit(ctx, "deleted items " + String.join(", ", itemIds)
        + (deleted == itemIds.size() ? "" : " (" + (itemIds.size() - deleted) + " of them were already gone)"));
  }

  /**
   * Confirms the order. The service's {@link ConfirmationPolicy} may reject it, for example when its
   * total cost exceeds the supplier's credit limit: the step then fails and the run is reverted.
   */
  @Step("update-status")
  RestockOrder confirm(@From("create-items") List<RestockOrderItem> items, @From("create-order") RestockOrder order,
      Connection connection, StepContext ctx) {
    RestockOrder confirmed;
    try {
      confirmed = suppliers.confirmRestockOrder(connection, order.id(), ctx.transactionId());
    } catch (RuntimeException e) {
      throw stepFailed(ctx, e);
    }
    audit(ctx, "confirmed order " + confirmed.id() + " with " + confirmed.totalItems() + " item(s), total cost "
        + confirmed.totalCost().toPlainString());
    return confirmed;
  }

  /** Sets the order back to pending; runs only if a step after update-status fails. */
  @Compensate("update-status")
  void revertStatus(RestockOrder order, StepContext ctx) {
    try {
      suppliers.updateStatus(order.id(), RestockOrder.PENDING);
    } catch (RuntimeException e) {
      throw failed(ctx, e);
    }
    audit(ctx, "set order " + order.id() + " back to " + RestockOrder.PENDING);
  }

  private void audit(StepContext ctx, String message) {
    suppliers.auditTrail().record(ctx, message);
  }

  /** Records the failure in the audit trail and returns it, for the caller to throw. */
  private RuntimeException failed(StepContext ctx, RuntimeException e) {
    audit(ctx, "failed: " + e.getMessage());
    return e;
  }

  /**
   * A step's {@link #failed}, logged with its stack trace when it is unexpected (a business error
   * is no news; the engine logs a compensation's failure itself). The transaction id needs no
   * escaping: the engine refuses one with control characters.
   */
  private RuntimeException stepFailed(StepContext ctx, RuntimeException e) {
    if (!PublicErrors.isExpected(e)) {
      log.error("Workflow '{}' ({}) step '{}' failed unexpectedly", ctx.workflowName(), ctx.transactionId(),
          ctx.stepName(), e);
    }
    return failed(ctx, e);
  }

  private static List<String> ids(List<RestockOrderItem> items) {
    List<String> ids = new ArrayList<>(items.size());
    for (RestockOrderItem item : items) {
      ids.add(item.id());
    }
    return ids;
  }
}
