package io.stepwise.example.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.example.RestockOrder;
import io.stepwise.example.RestockOrderItem;
import io.stepwise.example.WorkflowExecution;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The API's JSON: field names in snake_case as in the Medusa guide, written out one by one so that
 * what a client sees is plain to read here. Amounts are JSON numbers without trailing zeros
 * ({@code 10.5}, {@code 21}), as a JavaScript client would write them.
 */
final class Json {
  /**
   * Reads decimals exactly ({@code 10.50} as a BigDecimal, never a double), rejects a body with
   * anything after its JSON value or with a key twice, writes numbers without exponents.
   */
  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code {"error": message}}. */
  static ObjectNode error(String message) {
    return object().put("error", message);
  }

  static ObjectNode order(RestockOrder order) {
    ObjectNode json = object()
        .put("id", order.id())
        .put("supplier_id", order.supplierId())
        .put("status", order.status())
        .put("total_items", order.totalItems())
        .put("total_cost", money(order.totalCost()))
        .put("notes", order.notes());
    ArrayNode items = json.putArray("items");
    for (RestockOrderItem item : order.items()) {
      items.addObject()
          .put("id", item.id())
          .put("product_id", item.productId())
          .put("quantity", item.quantity())
          .put("unit_cost", money(item.unitCost()));
    }
    return json;
  }

  static ArrayNode orders(List<RestockOrder> orders) {
    ArrayNode json = MAPPER.createArrayNode();
    for (RestockOrder order : orders) {
      json.add(order(order));
    }
    return json;
  }

  static ObjectNode execution(WorkflowExecution execution) {
    ObjectNode json = object()
        .put("transaction_id", execution.transactionId())
        .put("workflow_name", execution.workflowName())
        .put("status", execution.status())
        .put("started_at", time(execution.startedAt()))
        .put("finished_at", time(execution.finishedAt()));
    ArrayNode steps = json.putArray("steps");
    for (WorkflowExecution.Step step : execution.steps()) {
      ObjectNode stepJson = steps.addObject()
          .put("name", step.name())
          .put("status", step.status())
          .put("attempts", step.attempts())
          .put("started_at", time(step.startedAt()))
          .put("finished_at", time(step.finishedAt()))
          .put("compensated_at", time(step.compensatedAt()));
      ArrayNode errors = stepJson.putArray("errors");
      for (WorkflowExecution.Error error : step.errors()) {
        errors.addObject().put("phase", error.phase()).put("message", error.message());
      }
    }
    return json;
  }

  static ArrayNode issues(List<CreateRestockOrderRequest.Issue> issues) {
    ArrayNode json = MAPPER.createArrayNode();
    for (CreateRestockOrderRequest.Issue issue : issues) {
      json.addObject().put("path", issue.path()).put("message", issue.message());
    }
    return json;
  }

  /** {@code 10.50} as {@code 10.5}, {@code 1200.00} as {@code 1200}. */
  static BigDecimal money(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static String time(OffsetDateTime time) {
    return time == null ? null : time.toString();
  }

  static byte[] bytes(JsonNode json) {
    try {
      return MAPPER.writeValueAsBytes(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      // a tree of plain values always serializes
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
