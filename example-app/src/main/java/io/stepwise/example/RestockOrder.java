package io.stepwise.example;

import java.math.BigDecimal;
import java.util.List;

/**
 * A restock order to a supplier. Its totals always match its items: the compact constructor
 * checks it, and {@link #of} computes them.
 *
 * @param id the order's id, for example {@code "ro_1"}
 * @param supplierId the supplier it is ordered from
 * @param status {@value #PENDING} while it is being created, {@value #CONFIRMED} once confirmed
 * @param totalItems the number of item lines (the guide's {@code input.items.length}), not of units
 * @param totalCost the sum of the items' {@code quantity * unitCost}
 * @param notes free text; {@code null} when absent
 * @param items the order's items
 */
public record RestockOrder(
    String id,
    String supplierId,
    String status,
    int totalItems,
    BigDecimal totalCost,
    String notes,
    List<RestockOrderItem> items) {

  /** The status of an order that is not confirmed (yet). */
  public static final String PENDING = "pending";
  /** The status of a confirmed order. */
  public static final String CONFIRMED = "confirmed";

  public RestockOrder {
    Checks.nonBlank(id, "id");
    Checks.nonBlank(supplierId, "supplierId");
    requireStatus(status);
    Checks.nonNegative(totalCost, "totalCost");
    items = Checks.elements(items, "items");
    if (totalItems != items.size()) {
      throw new IllegalArgumentException("totalItems must be the number of items (" + items.size() + "), was "
          + totalItems);
    }
    BigDecimal cost = cost(items);
    if (totalCost.compareTo(cost) != 0) {
      throw new IllegalArgumentException("totalCost must be the sum of the items' costs ("
          + cost.toPlainString() + "), was " + totalCost.toPlainString());
    }
  }

  /** An order whose totals are computed from its items. */
  public static RestockOrder of(
      String id, String supplierId, String status, String notes, List<RestockOrderItem> items) {
    List<RestockOrderItem> copy = Checks.elements(items, "items");
    return new RestockOrder(id, supplierId, status, copy.size(), cost(copy), notes, copy);
  }

  /** Checks that {@code status} is {@value #PENDING} or {@value #CONFIRMED}. */
  public static String requireStatus(String status) {
    if (!PENDING.equals(status) && !CONFIRMED.equals(status)) {
      throw new IllegalArgumentException("status must be \"" + PENDING + "\" or \"" + CONFIRMED
          + "\", was " + (status == null ? "null" : "\"" + status + "\""));
    }
    return status;
  }

  // pending() and confirmed(), not isPending(): Jackson would see a property in an isX method, and
  // the engine records orders as JSON that must read back into an order
  public boolean pending() {
    return PENDING.equals(status);
  }

  public boolean confirmed() {
    return CONFIRMED.equals(status);
  }

  /** This order with another status. */
  public RestockOrder withStatus(String newStatus) {
    return new RestockOrder(id, supplierId, newStatus, totalItems, totalCost, notes, items);
  }

  /** This order with other items, and the totals of those. */
  public RestockOrder withItems(List<RestockOrderItem> newItems) {
    return of(id, supplierId, status, notes, newItems);
  }

  private static BigDecimal cost(List<RestockOrderItem> items) {
    BigDecimal cost = BigDecimal.ZERO;
    for (RestockOrderItem item : items) {
      cost = cost.add(item.cost());
    }
    return cost;
  }
}
