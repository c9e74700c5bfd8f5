package io.stepwise.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.example.CreateRestockOrderInput;
import io.stepwise.example.ItemInput;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code POST /admin/restock-orders} into the workflow's input, checking it as the
 * Medusa guide's zod schema does:
 *
 * <pre>{@code
 * { "supplier_id": "sup_1",                       // a non-empty string
 *   "items": [                                    // a non-empty array
 *     { "product_id": "prod_1",                   // a non-empty string
 *       "quantity": 2,                            // an integer >= 1
 *       "unit_cost": 10.5 } ],                    // a number >= 0
 *   "notes": "optional" }                         // a string, or absent
 * }</pre>
 *
 * <p>Every bad field is reported, each with its path ({@code items[0].quantity}). Strings are not
 * numbers ({@code "2"} is no quantity) and {@code 1.5} is no integer. Two limits come from the
 * store: a unit cost is less than 10^15 with at most 4 decimal places, and the quantities of an
 * order add up to at most 2147483647. Unknown fields are ignored, as zod does.
 */
final class CreateRestockOrderRequest {
  private static final BigDecimal MAX_QUANTITY = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal MONEY_LIMIT = new BigDecimal("1000000000000000");
  private static final int MONEY_SCALE = 4;
  /** At most this many issues are listed (a 1 MiB body could otherwise yield a 27 MB answer). */
  static final int MAX_ISSUES = 100;

  /** One bad field: its path, such as {@code items[0].quantity}, and what is wrong with it. */
  record Issue(String path, String message) {}

  /** The request body is JSON, but not what the schema asks for. */
  static final class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Issue> issues;

    InvalidRequestException(List<Issue> issues) {
      super("invalid request body: " + issues.size() + " issue(s)");
      if (issues.size() > MAX_ISSUES) {
        List<Issue> first = new ArrayList<>(issues.subList(0, MAX_ISSUES));
        first.add(new Issue("", "and " + (issues.size() - MAX_ISSUES) + " more issue(s) like these"));
        this.issues = List.copyOf(first);
      } else {
        this.issues = List.copyOf(issues);
      }
    }

    List<Issue> issues() {
      return issues;
    }
  }

  private final List<Issue> issues = new ArrayList<>();

  private CreateRestockOrderRequest() {}

  /** The workflow input that {@code body} describes, or every issue it has. */
  static CreateRestockOrderInput read(JsonNode body) throws InvalidRequestException {
    return new CreateRestockOrderRequest().readOrder(body);
  }

  private CreateRestockOrderInput readOrder(JsonNode body) throws InvalidRequestException {
    if (!body.isObject()) {
      throw new InvalidRequestException(List.of(new Issue("", "must be a JSON object")));
    }
    String supplierId = nonEmptyString(body.get("supplier_id"), "supplier_id");
    List<ItemInput> items = items(body.get("items"));
    String notes = null;
    JsonNode notesNode = body.get("notes");
    if (notesNode != null) {
      if (notesNode.isTextual() && hasNul(notesNode.textValue())) {
        issues.add(new Issue("notes", NO_NUL));
      } else if (notesNode.isTextual()) {
        notes = notesNode.textValue();
      } else {
        issues.add(new Issue("notes", "must be a string, or absent"));
      }
    }
    if (!issues.isEmpty()) {
      throw new InvalidRequestException(issues);
    }
    return new CreateRestockOrderInput(supplierId, items, notes);
  }

  private List<ItemInput> items(JsonNode node) {
    if (node == null) {
      issues.add(new Issue("items", "is required"));
      return List.of();
    }
    if (!node.isArray() || node.isEmpty()) {
      issues.add(new Issue("items", "must be a non-empty array"));
      return List.of();
    }
    List<ItemInput> items = new ArrayList<>(node.size());
    long units = 0;
    for (int i = 0; i < node.size(); i++) {
      String path = "items[" + i + "]";
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        issues.add(new Issue(path, "must be an object"));
        continue;
      }
      String productId = nonEmptyString(item.get("product_id"), path + ".product_id");
      Integer quantity = quantity(item.get("quantity"), path + ".quantity");
      BigDecimal unitCost = unitCost(item.get("unit_cost"), path + ".unit_cost");
      if (productId != null && quantity != null && unitCost != null) {
        items.add(new ItemInput(productId, quantity, unitCost));
        units += quantity;
      }
    }
    if (units > Integer.MAX_VALUE) {
      issues.add(new Issue("items", "the quantities must add up to at most " + Integer.MAX_VALUE));
    }
    return items;
  }

  /** The text of {@code node}, or null after adding an issue. */
  private String nonEmptyString(JsonNode node, String path) {
    if (node == null) {
      issues.add(new Issue(path, "is required"));
      return null;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      issues.add(new Issue(path, "must be a non-empty string"));
      return null;
    }
    if (hasNul(node.textValue())) {
      issues.add(new Issue(path, NO_NUL));
      return null;
    }
    return node.textValue();
  }

  /** PostgreSQL stores no NUL character in text: such a string is refused here, for both databases. */
  private static final String NO_NUL = "must not contain the NUL character (\\u0000)";

  private static boolean hasNul(String text) {
    return text.indexOf('\u0000') >= 0;
  }

  /**
   * The number of decimal places of {@code value} without trailing zeros; {@code Integer.MAX_VALUE}
   * for a number whose exponent is too large to strip (such as {@code 100e2147483647}).
   */
  private static int decimals(BigDecimal value) {
    try {
      return value.stripTrailingZeros().scale();
    } catch (ArithmeticException overflow) {
      return Integer.MAX_VALUE;
    }
  }

  private Integer quantity(JsonNode node, String path) {
    if (node == null) {
      issues.add(new Issue(path, "is required"));
      return null;
    }
    // 2 and 2.0 are the same number in JSON (and in zod's z.number().int()); 1.5 and "2" are no integers
    if (!node.isNumber() || decimals(node.decimalValue()) > 0) {
      issues.add(new Issue(path, "must be an integer >= 1"));
      return null;
    }
    BigDecimal value = node.decimalValue();
    if (value.compareTo(BigDecimal.ONE) < 0 || value.compareTo(MAX_QUANTITY) > 0) {
      issues.add(new Issue(path, "must be an integer from 1 to " + Integer.MAX_VALUE));
      return null;
    }
    return value.intValueExact();
  }

  private BigDecimal unitCost(JsonNode node, String path) {
    if (node == null) {
      issues.add(new Issue(path, "is required"));
      return null;
    }
    if (!node.isNumber() || node.decimalValue().signum() < 0) {
      issues.add(new Issue(path, "must be a number >= 0"));
      return null;
    }
    BigDecimal value = node.decimalValue();
    if (value.compareTo(MONEY_LIMIT) >= 0) {
      issues.add(new Issue(path, "must be less than " + MONEY_LIMIT.toPlainString()));
      return null;
    }
    if (decimals(value) > MONEY_SCALE) {
      issues.add(new Issue(path, "must have at most " + MONEY_SCALE + " decimal places"));
      return null;
    }
    return value;
  }
}
