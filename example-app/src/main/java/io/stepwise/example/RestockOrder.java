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
 * @param totalItems the number of units ordered: the sum of the items' quantities
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
    int units = units(items);
    if (totalItems != units) {
      throw new IllegalArgumentException("totalItems must be the sum of the items' quantities ("
          + units + "), was " + totalItems);
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
    return new RestockOrder(id, supplierId, status, units(copy), cost(copy), notes, copy);
  }

  /** Checks that {@code status} is {@value #PENDING} or {@value #CONFIRMED}. */
  public static String requireStatus(String status) {
    if (!PENDING.equals(status) && !CONFIRMED.equals(status)) {
      throw new IllegalArgumentException("status must be \"" + PENDING + "\" or \"" + CONFIRMED
          + "\", was " + (status == null ? "null" : "\"" + status + "\""));
    }
    return status;
  }

  public boolean isPending() {
    return PENDING.equals(status);
  }

  public boolean isConfirmed() {
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

  private static int units(List<RestockOrderItem> items) {
    long units = 0;
    for (RestockOrderItem item : items) {
      units += item.quantity();
    }
    if (units > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the items' quantities add up to " + units
          + ", more than " + Integer.MAX_VALUE);
    }
    return (int) units;
  }

  private static BigDecimal cost(List<RestockOrderItem> items) {
    BigDecimal cost = BigDecimal.ZERO;
    for (RestockOrderItem item : items) {
      cost = cost.add(item.cost());
    }
    return cost;
  }
}
