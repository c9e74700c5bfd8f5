package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The domain records reject bad values with messages that name the field. */
class DomainTest {

  private static void assertRejected(String message, Executable executable) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, executable).getMessage());
  }

  @Test
  void itemInput() {
    assertRejected("productId must be a non-empty string, was \" \"", () -> ItemInput.of(" ", 1, "1"));
    assertRejected("productId must be a non-empty string, was null", () -> ItemInput.of(null, 1, "1"));
    assertRejected("quantity must be an integer >= 1, was 0", () -> ItemInput.of("prod_1", 0, "1"));
    assertRejected("unitCost must be a number >= 0, was -0.01", () -> ItemInput.of("prod_1", 1, "-0.01"));
    assertRejected("unitCost must be a number >= 0, was null", () -> new ItemInput("prod_1", 1, null));
    assertRejected("unitCost must be a number >= 0, was \"ten\"", () -> ItemInput.of("prod_1", 1, "ten"));
    assertRejected("unitCost must have at most 4 decimal places, was 0.00001", () -> ItemInput.of("prod_1", 1, "0.00001"));
    assertRejected("unitCost must be less than 1000000000000000, was 1E+15", () -> ItemInput.of("prod_1", 1, "1e15"));
    assertRejected("unitCost must be less than 1000000000000000, was -1E+999999999",
        () -> ItemInput.of("prod_1", 1, "-1e999999999"));
    assertEquals(new ItemInput("prod_1", 1, BigDecimal.ZERO), ItemInput.of("prod_1", 1, "0"));
    assertEquals(new BigDecimal("1.50000"), ItemInput.of("prod_1", 1, "1.50000").unitCost());
  }

  @Test
  void createRestockOrderInput() {
    List<ItemInput> items = List.of(ItemInput.of("prod_1", 1, "1"));
    assertRejected("supplierId must be a non-empty string, was \"\"", () -> new CreateRestockOrderInput("", items));
    assertRejected("items must be an array, was null", () -> new CreateRestockOrderInput("sup_1", null));
    assertRejected("items must contain at least one item", () -> new CreateRestockOrderInput("sup_1", List.of()));
    assertRejected("items[1] must not be null",
        () -> new CreateRestockOrderInput("sup_1", Arrays.asList(items.get(0), null)));

    List<ItemInput> mutable = new ArrayList<>(items);
    CreateRestockOrderInput input = new CreateRestockOrderInput("sup_1", mutable);
    mutable.clear();
    assertEquals(items, input.items());
    assertEquals(null, input.notes());
  }

  @Test
  void restockOrder() {
    List<RestockOrderItem> items = List.of(
        new RestockOrderItem("roi_1", "prod_1", 2, new BigDecimal("1.25")),
        new RestockOrderItem("roi_2", "prod_2", 1, new BigDecimal("3")));
    RestockOrder order = RestockOrder.of("ro_1", "sup_1", RestockOrder.PENDING, null, items);
    assertEquals(2, order.totalItems());
    assertEquals(new BigDecimal("5.50"), order.totalCost());
    assertEquals(RestockOrder.CONFIRMED, order.withStatus("confirmed").status());

    assertRejected("status must be \"pending\" or \"confirmed\", was \"done\"",
        () -> RestockOrder.of("ro_1", "sup_1", "done", null, items));
    assertRejected("totalItems must be the number of items (2), was 3",
        () -> new RestockOrder("ro_1", "sup_1", RestockOrder.PENDING, 3, new BigDecimal("5.50"), null, items));
    assertRejected("totalCost must be the sum of the items' costs (5.50), was 5",
        () -> new RestockOrder("ro_1", "sup_1", RestockOrder.PENDING, 2, new BigDecimal("5"), null, items));
    assertRejected("id must be a non-empty string, was null",
        () -> RestockOrder.of(null, "sup_1", RestockOrder.PENDING, null, items));
    assertRejected("quantity must be an integer >= 1, was -1",
        () -> new RestockOrderItem("roi_1", "prod_1", -1, BigDecimal.ONE));
  }

  @Test
  void supplier() {
    assertRejected("creditLimit must be a number >= 0, was -1",
        () -> new Supplier("sup_2", "Other", Set.of("prod_1"), new BigDecimal("-1")));
    assertRejected("productIds must not be null", () -> new Supplier("sup_2", "Other", null, BigDecimal.TEN));
  }
}
