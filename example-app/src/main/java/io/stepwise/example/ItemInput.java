package io.stepwise.example;

import java.math.BigDecimal;

/**
 * One line of a {@link CreateRestockOrderInput}: which product, how many, at what unit cost.
 *
 * @param productId the product, for example {@code "prod_1"}; non-empty
 * @param quantity how many units; at least 1
 * @param unitCost the cost of one unit; at least 0, less than 10^15, at most 4 decimal places
 */
public record ItemInput(String productId, int quantity, BigDecimal unitCost) {

  public ItemInput {
    Checks.nonBlank(productId, "productId");
    Checks.positive(quantity, "quantity");
    Checks.money(unitCost, "unitCost");
  }

  /** An item whose unit cost is given as a decimal string such as {@code "10.50"}. */
  public static ItemInput of(String productId, int quantity, String unitCost) {
    if (unitCost == null) {
      throw new IllegalArgumentException("unitCost must be a number >= 0, was null");
    }
    BigDecimal cost;
    try {
      cost = new BigDecimal(unitCost);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unitCost must be a number >= 0, was \"" + unitCost + "\"", e);
    }
    return new ItemInput(productId, quantity, cost);
  }
}
