package io.stepwise.example;

import java.util.List;

/**
 * The input of the {@code create-restock-order} workflow, as in the Medusa guide's schema.
 *
 * @param supplierId the supplier to order from; non-empty
 * @param items what to order; at least one item
 * @param notes free text for the order; optional ({@code null} when absent)
 */
public record CreateRestockOrderInput(String supplierId, List<ItemInput> items, String notes) {

  public CreateRestockOrderInput {
    Checks.nonBlank(supplierId, "supplierId");
    items = Checks.items(items, "items");
  }

  /** An input without notes. */
  public CreateRestockOrderInput(String supplierId, List<ItemInput> items) {
    this(supplierId, items, null);
  }
}
