package io.stepwise.example;

import java.math.BigDecimal;
import java.sql.Connection;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The restock service's store: suppliers, restock orders and their items. The workflow's steps and
 * the HTTP API use it. Two implementations keep the same rules, checked by the same contract tests:
 * {@link InMemorySupplierService} (the console demo's) and {@link JdbcSupplierService} (the
 * service's, on H2 or PostgreSQL).
 *
 * <p>The rules: every operation is atomic, and one that fails changes nothing; items are added all
 * or none; deleting what does not exist (any more) does nothing, so that a compensation may run
 * again safely; only a pending order with items can be confirmed, and only if the
 * {@link ConfirmationPolicy} accepts it. Implementations are thread-safe.
 *
 * <p>A new store holds the seed supplier {@value #SEED_SUPPLIER_ID}, which carries {@code prod_1},
 * {@code prod_2} and {@code prod_3} and grants a credit limit of {@link #SEED_CREDIT_LIMIT} per order.
 */
public interface SupplierService {
  /** The id of the supplier every new store holds. */
  String SEED_SUPPLIER_ID = "sup_1";
  /** The credit limit per order of the seed supplier. */
  BigDecimal SEED_CREDIT_LIMIT = new BigDecimal("1000.00");

  /** The supplier every new store holds: {@value #SEED_SUPPLIER_ID}, with three products. */
  static Supplier seedSupplier() {
    return new Supplier(SEED_SUPPLIER_ID, "Acme Supplies", Set.of("prod_1", "prod_2", "prod_3"), SEED_CREDIT_LIMIT);
  }

  /** The audit trail the workflow records into (in memory, for the run in progress and the demo). */
  AuditTrail auditTrail();

  // ------------------------------------------------------------------ suppliers

  /** Adds a supplier, or replaces the one with its id. */
  Supplier putSupplier(Supplier supplier);

  Optional<Supplier> findSupplier(String supplierId);

  /** Every supplier, by id. */
  List<Supplier> listSuppliers();

  // ------------------------------------------------------------------ orders

  /**
   * Creates a {@value RestockOrder#PENDING} order without items for the input's supplier and notes.
   * The input's items are added by {@link #createItems}.
   *
   * @throws RestockException {@link RestockException.Reason#UNKNOWN_SUPPLIER} if there is no such supplier
   */
  RestockOrder createRestockOrder(CreateRestockOrderInput input);

  /**
   * {@link #createRestockOrder(CreateRestockOrderInput)} on behalf of a workflow run: the order is
   * keyed on the run's transaction id, and calling it again with the same key (a step that runs again
   * after a crash) returns the order made the first time, as it is now, and makes no other.
   *
   * <p>By default the key is not used: a store that does not key its orders (a test's fake) makes a
   * new one at each call.
   *
   * @param transactionId the run's transaction id; null for an order of no run
   */
  default RestockOrder createRestockOrder(CreateRestockOrderInput input, String transactionId) {
    return createRestockOrder(input);
  }

  /**
   * {@link #createRestockOrder(CreateRestockOrderInput, String)} in the caller's transaction: a store
   * in the database of {@code connection} writes with it and neither commits nor closes it (the
   * transactional step create-order does its work in the transaction that records its checkpoint,
   * so that the order and the checkpoint commit together); a store elsewhere (in memory, a test's
   * fake) does not use it.
   */
  default RestockOrder createRestockOrder(Connection connection, CreateRestockOrderInput input, String transactionId) {
    return createRestockOrder(input, transactionId);
  }

  /**
   * Deletes an order with all of its items. Deleting an order that does not exist (any more) does
   * nothing, so a compensation may call it again safely.
   *
   * @return the order as it was deleted, or empty if there was none
   */
  Optional<RestockOrder> deleteRestockOrder(String orderId);

  /**
   * Adds items to a pending order, all or none: if the supplier does not carry one of the products,
   * nothing is added.
   *
   * @return the new items, with their ids, in the order of {@code items}
   * @throws RestockException {@link RestockException.Reason#PRODUCT_NOT_CARRIED} if the supplier does
   *     not carry a product; {@code ORDER_NOT_FOUND}; {@code INVALID_STATUS} if the order is not pending
   */
  List<RestockOrderItem> createItems(String orderId, List<ItemInput> items);

  /**
   * {@link #createItems(String, List)} on behalf of a workflow run: the items are keyed on the run's
   * transaction id, and calling it again with the same key (a step that runs again after a crash)
   * returns the items made the first time and adds none.
   *
   * <p>By default the key is not used: a store that does not key its items (a test's fake) adds
   * them at each call.
   *
   * @param transactionId the run's transaction id; null for items of no run
   */
  default List<RestockOrderItem> createItems(String orderId, List<ItemInput> items, String transactionId) {
    return createItems(orderId, items);
  }

  /**
   * {@link #createItems(String, List, String)} in the caller's transaction, as {@link
   * #createRestockOrder(Connection, CreateRestockOrderInput, String)} is: for the transactional step
   * create-items.
   */
  default List<RestockOrderItem> createItems(Connection connection, String orderId, List<ItemInput> items,
      String transactionId) {
    return createItems(orderId, items, transactionId);
  }

  /**
   * Deletes items by id, from whichever orders hold them. Ids that do not exist (any more) are
   * passed over, so a compensation may call it again safely.
   *
   * @return how many items were deleted
   */
  int deleteItems(Collection<String> itemIds);

  /**
   * Confirms a pending order that has items, if the {@link ConfirmationPolicy} accepts it. The
   * policy sees the order as it is confirmed: if the order changes meanwhile, the policy is asked again.
   *
   * @return the confirmed order
   * @throws RestockException {@link RestockException.Reason#ORDER_REJECTED} if the policy rejects the
   *     order; {@code ORDER_NOT_FOUND}; {@code INVALID_STATUS} if it is not pending or has no items
   */
  RestockOrder confirmRestockOrder(String orderId);

  /**
   * {@link #confirmRestockOrder(String)} on behalf of the run with {@code transactionId}, in the
   * caller's transaction as {@link #createRestockOrder(Connection, CreateRestockOrderInput, String)}
   * is (for the transactional step update-status): the order is locked, checked, judged by the
   * policy and confirmed in that transaction. Confirming again an order that this run made and
   * confirmed returns it as it is (the step ran before, and its checkpoint was lost); an order of
   * another run that is confirmed already is an {@code INVALID_STATUS}, as ever.
   *
   * <p>By default (a store outside the database) the connection is not used: this calls {@link
   * #confirmRestockOrder(String)}, and answers an order found confirmed with the order (a store that
   * does not key its orders on runs cannot tell whose confirmation it was).
   */
  default RestockOrder confirmRestockOrder(Connection connection, String orderId, String transactionId) {
    try {
      return confirmRestockOrder(orderId);
    } catch (RestockException e) {
      Optional<RestockOrder> again = e.reason() == RestockException.Reason.INVALID_STATUS
          ? findOrder(orderId).filter(RestockOrder::confirmed)
          : Optional.empty();
      return again.orElseThrow(() -> e);
    }
  }

  /**
   * Sets the status of an order, without the {@link ConfirmationPolicy}: for corrections such as
   * setting a confirmed order back to pending.
   *
   * @return the updated order
   * @throws RestockException {@link RestockException.Reason#ORDER_NOT_FOUND}
   */
  RestockOrder updateStatus(String orderId, String status);

  Optional<RestockOrder> findOrder(String orderId);

  /** Every order, oldest first. */
  List<RestockOrder> listOrders();

  /**
   * A page of the orders, oldest first: at most {@code limit} of them, after the first {@code offset}.
   * By default a slice of {@link #listOrders()}.
   */
  default List<RestockOrder> listOrders(int offset, int limit) {
    List<RestockOrder> all = listOrders();
    int from = Math.min(offset, all.size());
    return List.copyOf(all.subList(from, Math.min(all.size(), from + limit)));
  }

  int countOrders();

  /** How many items all orders hold together. */
  int countItems();

  // ------------------------------------------------------------------ maintenance

  /**
   * Puts the store into maintenance: until {@link #resumeWrites()}, every write fails with
   * {@link StoreUnavailableException} (reads still work). Runs in progress fail, and so may their
   * compensations: such a run ends {@code FAILED}, and its {@code errors()} tell what is left to clean up.
   */
  void suspendWrites(String reason);

  /** Ends the maintenance begun by {@link #suspendWrites(String)}. */
  void resumeWrites();

  boolean writesSuspended();
}
