package io.stepwise.example;

import java.math.BigDecimal;
import java.util.Set;

/**
 * A supplier: the products it carries and the credit limit it grants per order.
 *
 * @param id the supplier's id, for example {@code "sup_1"}
 * @param name a display name
 * @param productIds the products it carries
 * @param creditLimit the highest total cost of an order it accepts; at least 0, less than 10^15, at most 4 decimal places
 */
public record Supplier(String id, String name, Set<String> productIds, BigDecimal creditLimit) {

  public Supplier {
    Checks.nonBlank(id, "id");
    Checks.nonBlank(name, "name");
    if (productIds == null) {
      throw new IllegalArgumentException("productIds must not be null");
    }
    for (String productId : productIds) {
      Checks.nonBlank(productId, "productIds element");
    }
    productIds = Set.copyOf(productIds);
    Checks.money(creditLimit, "creditLimit");
  }

  public boolean carries(String productId) {
    return productIds.contains(productId);
  }
}
