package io.stepwise.example;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The business rules of the restock store, shared by {@link InMemorySupplierService} and
 * {@link JdbcSupplierService}: each check throws the {@link RestockException} (with its reason and
 * message) that the store reports when the rule refuses an operation.
 */
final class RestockRules {
  private RestockRules() {}

  /** No restock order has the id {@code orderId}. */
  static RestockException orderNotFound(String orderId) {
    return new RestockException(RestockException.Reason.ORDER_NOT_FOUND, "restock order " + orderId + " does not exist");
  }

  /** No supplier has the id {@code supplierId}. */
  static RestockException unknownSupplier(String supplierId) {
    return new RestockException(RestockException.Reason.UNKNOWN_SUPPLIER, "unknown supplier " + supplierId);
  }

  /** Items can only be added to a pending order. */
  static void requireItemsAllowed(String orderId, RestockOrder order) {
    if (!order.pending()) {
      throw new RestockException(RestockException.Reason.INVALID_STATUS,
          "items can only be added to a pending order; order " + orderId + " is " + order.status());
    }
  }

  /**
   * {@code supplier} must carry the product of every input; the products it does not carry are
   * reported together, each once, in the order of the inputs.
   */
  static void requireCarried(Supplier supplier, List<ItemInput> inputs) {
    requireCarried(supplier.id(), supplier.productIds(), inputs);
  }

  /** As {@link #requireCarried(Supplier, List)}, for supplier {@code supplierId} that carries {@code carried}. */
  static void requireCarried(String supplierId, Set<String> carried, List<ItemInput> inputs) {
    Set<String> notCarried = new LinkedHashSet<>();
    for (ItemInput input : inputs) {
      if (!carried.contains(input.productId())) {
        notCarried.add(input.productId());
      }
    }
    if (!notCarried.isEmpty()) {
      throw new RestockException(RestockException.Reason.PRODUCT_NOT_CARRIED,
          "supplier " + supplierId + " does not carry " + (notCarried.size() == 1 ? "product " : "products ")
              + String.join(", ", notCarried));
    }
  }

  /** Only a pending order that has items can be confirmed. */
  static void requireConfirmable(String orderId, RestockOrder order) {
    if (!order.pending()) {
      throw new RestockException(RestockException.Reason.INVALID_STATUS,
          "only a pending order can be confirmed; order " + orderId + " is " + order.status());
    }
    if (order.items().isEmpty()) {
      throw new RestockException(RestockException.Reason.INVALID_STATUS,
          "order " + orderId + " has no items and cannot be confirmed");
    }
  }

  /** The {@link ConfirmationPolicy} accepted the order: {@code rejection} is empty. */
  static void requireAccepted(String orderId, Optional<String> rejection) {
    if (rejection.isPresent()) {
      throw new RestockException(RestockException.Reason.ORDER_REJECTED,
          "order " + orderId + " rejected: " + rejection.get());
    }
  }
}
