package io.stepwise.example;

import java.math.BigDecimal;

/**
 * An item of a {@link RestockOrder}.
 *
 * @param id the item's id, for example {@code "roi_1"}
 * @param productId the product ordered
 * @param quantity how many units; at least 1
 * @param unitCost the cost of one unit; at least 0, less than 10^15, at most 4 decimal places
 */
public record RestockOrderItem(String id, String productId, int quantity, BigDecimal unitCost) {

  public RestockOrderItem {
    Checks.nonBlank(id, "id");
    Checks.nonBlank(productId, "productId");
    Checks.positive(quantity, "quantity");
    Checks.money(unitCost, "unitCost");
  }

  /** {@code quantity * unitCost}. */
  public BigDecimal cost() {
    return unitCost.multiply(BigDecimal.valueOf(quantity));
  }
}
