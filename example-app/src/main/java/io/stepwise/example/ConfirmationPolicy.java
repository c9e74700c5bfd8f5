package io.stepwise.example;

import java.util.Objects;
import java.util.Optional;

/**
 * The business rule that decides whether a restock order may be confirmed. {@link SupplierService}
 * applies it in {@link SupplierService#confirmRestockOrder(String)}, which the workflow's
 * {@code update-status} step calls; a rejected order fails that step, and the workflow undoes the
 * order.
 */
@FunctionalInterface
public interface ConfirmationPolicy {

  /**
   * Why {@code order} may not be confirmed with {@code supplier}, or empty if it may.
   *
   * @param supplier the order's supplier
   * @param order the order, with its items and totals, still pending
   */
  Optional<String> rejectionReason(Supplier supplier, RestockOrder order);

  /** The default rule: an order whose total cost exceeds the supplier's credit limit is rejected. */
  static ConfirmationPolicy creditLimit() {
    return (supplier, order) -> order.totalCost().compareTo(supplier.creditLimit()) > 0
        ? Optional.of("total cost " + order.totalCost().toPlainString() + " exceeds the credit limit "
            + supplier.creditLimit().toPlainString() + " of supplier " + supplier.id())
        : Optional.empty();
  }

  /** Confirms every order. */
  static ConfirmationPolicy approveAll() {
    return (supplier, order) -> Optional.empty();
  }

  /** This rule, and then {@code other}: the first rejection wins. */
  default ConfirmationPolicy and(ConfirmationPolicy other) {
    Objects.requireNonNull(other, "other");
    return (supplier, order) -> {
      Optional<String> reason = rejectionReason(supplier, order);
      return reason.isPresent() ? reason : other.rejectionReason(supplier, order);
    };
  }
}
