package io.stepwise.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.example.Database;
import io.stepwise.example.TestDatabases;
import io.stepwise.example.JdbcSupplierService;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example app's contract (SPEC), end to end: the real server on a free port, the real workflow,
 * a real database, requests with the JDK's HTTP client. Each subclass names the database. The tests
 * share one server and database, so they compare counts before and after rather than expect an
 * empty store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RestockApiContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What no error response may contain: stack traces, SQL, Java class names. */
  private static final List<String> LEAKS = List.of(
      "Exception", "java.", "javax.", "\tat ", "SQL", "select ", "SELECT", "INSERT", "io.stepwise", "com.fasterxml",
      "org.h2", "org.postgresql", "com.zaxxer", "Caused by");

  /** The JDBC URL of a new, empty database. */
  protected abstract String newDatabaseUrl();

  private Database database;
  private JdbcSupplierService suppliers;
  private RestockServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response, its body read as JSON. */
  record Reply(int status, String body, JsonNode json, HttpResponse<String> raw) {}

  @BeforeAll
  void startServer() {
    database = Database.open(newDatabaseUrl());
    suppliers = new JdbcSupplierService(database.dataSource());
    server = RestockServer.start(0, suppliers, TestDatabases.engine(database));
  }

  @AfterAll
  void stopServer() {
    server.stop(0);
    database.close();
  }

  // ------------------------------------------------------------------ POST: created

  @Test
  void createsAConfirmedOrder() throws Exception {
    Reply reply = post("{\"supplier_id\": \"sup_1\", \"notes\": \"weekly restock\", \"items\": ["
        + "{\"product_id\": \"prod_1\", \"quantity\": 2, \"unit_cost\": 10.5},"
        + "{\"product_id\": \"prod_2\", \"quantity\": 3, \"unit_cost\": 4.25}]}");

    assertEquals(201, reply.status(), reply.body());
    JsonNode order = reply.json().get("order");
    assertTrue(order.get("id").textValue().startsWith("ro_"), reply.body());
    assertEquals("sup_1", order.get("supplier_id").textValue());
    assertEquals("confirmed", order.get("status").textValue());
    assertEquals(2, order.get("total_items").intValue());
    assertEquals("33.75", order.get("total_cost").decimalValue().toPlainString());
    assertEquals("weekly restock", order.get("notes").textValue());
    assertEquals(2, order.get("items").size());
    JsonNode item = order.get("items").get(0);
    assertTrue(item.get("id").textValue().startsWith("roi_"), reply.body());
    assertEquals("prod_1", item.get("product_id").textValue());
    assertEquals(2, item.get("quantity").intValue());
    assertTrue(item.get("quantity").isIntegralNumber());
    assertEquals("10.5", item.get("unit_cost").decimalValue().toPlainString());
    assertTrue(item.get("unit_cost").isNumber());
    assertEquals(List.of("id", "product_id", "quantity", "unit_cost"), fieldNames(item));
    assertEquals(List.of("id", "supplier_id", "status", "total_items", "total_cost", "notes", "items"), fieldNames(order));
    String transactionId = reply.json().get("transaction_id").textValue();
    assertFalse(transactionId.isBlank());

    // the same order, read back
    Reply read = get("/admin/restock-orders/" + order.get("id").textValue());
    assertEquals(200, read.status());
    assertEquals(order, read.json().get("order"));
    Reply list = get("/admin/restock-orders");
    assertEquals(200, list.status());
    assertTrue(contains(list.json().get("orders"), order), list.body());

    // and the run that made it
    Reply execution = get("/admin/workflows/executions/" + transactionId);
    assertEquals(200, execution.status(), execution.body());
    JsonNode run = execution.json().get("workflow_execution");
    assertEquals(transactionId, run.get("transaction_id").textValue());
    assertEquals("create-restock-order", run.get("workflow_name").textValue());
    assertEquals("done", run.get("status").textValue());
    assertNotNull(run.get("finished_at").textValue());
    assertSteps(run, "create-order", "done", "create-items", "done", "update-status", "done");
    for (JsonNode step : run.get("steps")) {
      assertEquals(1, step.get("attempts").intValue());
      assertEquals(0, step.get("errors").size());
    }
  }

  @Test
  void createsAnOrderWithoutNotes() throws Exception {
    Reply reply = post("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_3\", \"quantity\": 1, \"unit_cost\": 0}]}");
    assertEquals(201, reply.status(), reply.body());
    assertTrue(reply.json().get("order").get("notes").isNull(), reply.body());
    assertEquals(0, reply.json().get("order").get("total_cost").intValue());
  }

  @Test
  void acceptsAWholeNumberWrittenWithADecimalPointAsQuantity() throws Exception {
    Reply reply = post("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_3\", \"quantity\": 2.0, \"unit_cost\": 1}]}");
    assertEquals(201, reply.status(), reply.body());
    assertEquals(2, reply.json().get("order").get("items").get(0).get("quantity").intValue());
    assertEquals(1, reply.json().get("order").get("total_items").intValue());
  }

  @Test
  void acceptsABodyOfExactlyOneMebibyte() throws Exception {
    String start = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}], \"notes\": \"";
    String end = "\"}";
    String notes = "n".repeat(RestockApi.MAX_BODY_BYTES - start.length() - end.length());
    Reply reply = post(start + notes + end);
    assertEquals(201, reply.status(), reply.body().length() > 200 ? reply.body().substring(0, 200) : reply.body());
  }

  // ------------------------------------------------------------------ POST: 400

  @Test
  void namesEachBadFieldWithItsPathAndWritesNothing() throws Exception {
    Map<String, Integer> before = counts();
    Reply reply = post("{\"supplier_id\": \"\", \"notes\": 3, \"items\": ["
        + "{\"product_id\": 5, \"quantity\": 1.5, \"unit_cost\": -1},"
        + "{\"quantity\": \"2\", \"unit_cost\": \"10\"},"
        + "7,"
        + "{\"product_id\": \" \", \"quantity\": 0, \"unit_cost\": 0.00001},"
        + "{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}");

    assertEquals(400, reply.status(), reply.body());
    assertEquals("invalid request body", reply.json().get("error").textValue());
    assertEquals(List.of(
        "supplier_id",
        "items[0].product_id", "items[0].quantity", "items[0].unit_cost",
        "items[1].product_id", "items[1].quantity", "items[1].unit_cost",
        "items[2]",
        "items[3].product_id", "items[3].quantity", "items[3].unit_cost",
        "notes"), issuePaths(reply));
    for (JsonNode issue : reply.json().get("issues")) {
      assertFalse(issue.get("message").textValue().isBlank(), reply.body());
    }
    assertEquals(before, counts());
  }

  @Test
  void rejectsMissingFieldsAndEmptyItems() throws Exception {
    assertIssues("{}", "supplier_id", "items");
    assertIssues("{\"supplier_id\": \"sup_1\", \"items\": []}", "items");
    assertIssues("{\"supplier_id\": \"sup_1\", \"items\": {}}", "items");
    assertIssues("{\"supplier_id\": 1, \"items\": [{}]}",
        "supplier_id", "items[0].product_id", "items[0].quantity", "items[0].unit_cost");
    assertIssues("{\"supplier_id\": \"sup_1\", \"notes\": null, \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}",
        "notes");
    assertIssues("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 2147483648, \"unit_cost\": 1e15}]}",
        "items[0].quantity", "items[0].unit_cost");
    assertIssues("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 2147483647, \"unit_cost\": 1},"
        + " {\"product_id\": \"prod_2\", \"quantity\": 1, \"unit_cost\": 1}]}", "items");
    assertIssues("[]", "");
    assertIssues("\"sup_1\"", "");
    assertIssues("null", "");
  }

  @Test
  void rejectsNumbersOutOfAnyRangeAndNulCharactersWithA400() throws Exception {
    Map<String, Integer> before = counts();
    for (String number : List.of("1e2147483648", "1e-2147483648", "100e2147483647", "1.00e-2147483647")) {
      for (String field : List.of("quantity", "unit_cost")) {
        String body = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1,"
            + " \"unit_cost\": 1, \"" + field + "\": " + number + "}]}";
        Reply reply = post(body);
        assertEquals(400, reply.status(), body + " -> " + reply.body());
      }
    }
    assertIssues("{\"supplier_id\": \"sup_1\\u0000\", \"notes\": \"a\\u0000b\", \"items\": [{\"product_id\": \"prod_1\\u0000\","
        + " \"quantity\": 1, \"unit_cost\": 1}]}", "supplier_id", "items[0].product_id", "notes");
    assertEquals(before, counts());
  }

  @Test
  void listsAtMostOneHundredIssuesAndSaysHowManyMore() throws Exception {
    Reply reply = post("{\"supplier_id\": \"sup_1\", \"items\": [" + String.join(",", java.util.Collections.nCopies(500, "0")) + "]}");

    assertEquals(400, reply.status());
    List<String> paths = issuePaths(reply);
    assertEquals(101, paths.size());
    assertEquals("items[99]", paths.get(99));
    assertEquals("and 400 more issue(s) like these", reply.json().get("issues").get(100).get("message").textValue());
  }

  @Test
  void rejectsMalformedJson() throws Exception {
    Map<String, Integer> before = counts();
    for (String body : List.of("{\"supplier_id\": ", "{\"supplier_id\": \"sup_1\"} trailing", "", "{'a': 1}",
        "{\"supplier_id\": \"sup_1\", \"supplier_id\": \"sup_2\", \"items\": []}", "[".repeat(5000))) {
      Reply reply = post(body);
      assertEquals(400, reply.status(), body);
      assertTrue(reply.json().get("error").isTextual(), reply.body());
      assertTrue(reply.json().get("issues").isArray(), reply.body());
    }
    assertEquals(before, counts());
  }

  // ------------------------------------------------------------------ POST: 413

  @Test
  void refusesABodyOverOneMebibyteByItsContentLength() throws Exception {
    Map<String, Integer> before = counts();
    byte[] body = new byte[RestockApi.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    Reply reply = send(HttpRequest.newBuilder(uri("/admin/restock-orders"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertEquals(413, reply.status(), reply.body());
    assertTrue(reply.json().get("error").isTextual());
    assertEquals(before, counts());
  }

  @Test
  void refusesAChunkedBodyOverOneMebibyteAfterReadingOneMebibyte() throws Exception {
    byte[] body = new byte[2 * RestockApi.MAX_BODY_BYTES];
    java.util.Arrays.fill(body, (byte) ' ');
    // ofInputStream has no known length: the client sends the body chunked, without Content-Length
    Reply reply = send(HttpRequest.newBuilder(uri("/admin/restock-orders"))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
    assertEquals(413, reply.status(), reply.body());
  }

  // ------------------------------------------------------------------ POST: 422

  @Test
  void answers422ForAnUnknownSupplierAndLeavesNothing() throws Exception {
    Map<String, Integer> before = counts();
    Reply reply = post("{\"supplier_id\": \"sup_9\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}");

    assertEquals(422, reply.status(), reply.body());
    assertEquals("unknown supplier sup_9", reply.json().get("error").textValue());
    assertEquals(List.of("error", "transaction_id"), fieldNames(reply.json()));
    assertEquals(before.get("restock_order"), counts().get("restock_order"));
    assertEquals(before.get("restock_order_item"), counts().get("restock_order_item"));

    JsonNode run = execution(reply);
    assertEquals("reverted", run.get("status").textValue());
    assertSteps(run, "create-order", "failed");
    JsonNode error = run.get("steps").get(0).get("errors").get(0);
    assertEquals("invoke", error.get("phase").textValue());
    assertEquals("unknown supplier sup_9", error.get("message").textValue());
  }

  @Test
  void answers422ForAProductTheSupplierDoesNotCarryAndLeavesNothing() throws Exception {
    Map<String, Integer> before = counts();
    Reply reply = post("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1},"
        + " {\"product_id\": \"prod_9\", \"quantity\": 1, \"unit_cost\": 1}]}");

    assertEquals(422, reply.status(), reply.body());
    assertEquals("supplier sup_1 does not carry product prod_9", reply.json().get("error").textValue());
    assertEquals(before.get("restock_order"), counts().get("restock_order"));
    assertEquals(before.get("restock_order_item"), counts().get("restock_order_item"));

    JsonNode run = execution(reply);
    assertEquals("reverted", run.get("status").textValue());
    assertSteps(run, "create-order", "reverted", "create-items", "failed");
    assertEquals("supplier sup_1 does not carry product prod_9",
        run.get("steps").get(1).get("errors").get(0).get("message").textValue());
  }

  @Test
  void answers422ForAnOrderOverTheCreditLimitAfterUndoingItsItems() throws Exception {
    Map<String, Integer> before = counts();
    Reply reply = post("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_3\", \"quantity\": 40, \"unit_cost\": 30}]}");

    assertEquals(422, reply.status(), reply.body());
    String message = reply.json().get("error").textValue();
    assertTrue(message.matches("order ro_\\w+ rejected: total cost 1200\\.00 exceeds the credit limit 1000\\.00 of supplier sup_1"),
        message);
    assertEquals(before.get("restock_order"), counts().get("restock_order"));
    assertEquals(before.get("restock_order_item"), counts().get("restock_order_item"));

    JsonNode run = execution(reply);
    assertEquals("reverted", run.get("status").textValue());
    assertSteps(run, "create-order", "reverted", "create-items", "reverted", "update-status", "failed");
    JsonNode failed = run.get("steps").get(2);
    assertEquals(1, failed.get("attempts").intValue());
    assertEquals(message, failed.get("errors").get(0).get("message").textValue());
  }

  @Test
  void answers503WhileTheStoreIsInMaintenance() throws Exception {
    suppliers.suspendWrites("backup");
    try {
      Reply reply = post("{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}");
      assertEquals(503, reply.status(), reply.body());
      assertEquals("the store accepts no writes at the moment: backup", reply.json().get("error").textValue());
      assertTrue(reply.json().get("transaction_id").isTextual());
    } finally {
      suppliers.resumeWrites();
    }
  }

  // ------------------------------------------------------------------ GET, 404, 405

  @Test
  void answers404ForWhatDoesNotExist() throws Exception {
    for (String path : List.of("/admin/restock-orders/ro_404", "/admin/workflows/executions/tx-404", "/",
        "/admin", "/admin/restock-orders/", "/admin/restock-orders/ro_1/items", "/admin/workflows/executions/",
        "/admin/restock-orders-x", "/admin/restock-orders/java.lang.Exception")) {
      Reply reply = get(path);
      assertEquals(404, reply.status(), path);
      assertTrue(reply.json().get("error").isTextual(), path);
    }
  }

  @Test
  void answers405ForAWrongMethod() throws Exception {
    Map<String, String> allowed = Map.of(
        "/admin/restock-orders", "GET, POST, HEAD",
        "/admin/restock-orders/ro_1", "GET, HEAD",
        "/admin/workflows/executions/tx-1", "GET, HEAD");
    for (Map.Entry<String, String> entry : allowed.entrySet()) {
      for (String method : List.of("PUT", "DELETE", "PATCH")) {
        Reply reply = send(HttpRequest.newBuilder(uri(entry.getKey()))
            .method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(405, reply.status(), method + " " + entry.getKey());
        assertEquals(entry.getValue(), reply.raw().headers().firstValue("Allow").orElse(null));
      }
    }
    assertEquals(405, post("/admin/restock-orders/ro_1", "{}").status());
    assertEquals(405, post("/admin/workflows/executions/tx-1", "{}").status());
  }

  // ------------------------------------------------------------------ Idempotency-Key

  private static final String ORDER_BODY =
      "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 3, \"unit_cost\": 2}]}";
  private static final String NOT_CARRIED_BODY =
      "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_9\", \"quantity\": 1, \"unit_cost\": 1}]}";

  @Test
  void aRepeatedIdempotencyKeyAnswersAsTheFirstRequestAndCreatesNothingMore() throws Exception {
    String key = "order-" + System.nanoTime();
    // the same JSON, written otherwise
    Reply again = assertRepeatAnswersTheSame(key, ORDER_BODY, ORDER_BODY.replace(" ", ""), 201);
    assertEquals("key:" + key, again.json().get("transaction_id").textValue());
  }

  @Test
  void aRepeatedIdempotencyKeyOfARejectedOrderAnswersTheSame422() throws Exception {
    Reply again = assertRepeatAnswersTheSame("rejected-" + System.nanoTime(), NOT_CARRIED_BODY, NOT_CARRIED_BODY, 422);
    assertEquals("supplier sup_1 does not carry product prod_9", again.json().get("error").textValue());
  }

  /** Posts {@code first}, then {@code repeat} with the same key: the same answer, and nothing more written. */
  private Reply assertRepeatAnswersTheSame(String key, String first, String repeat, int status) throws Exception {
    Reply reply = postWithKey(key, first);
    assertEquals(status, reply.status(), reply.body());
    Map<String, Integer> after = counts();
    Reply again = postWithKey(key, repeat);
    assertEquals(status, again.status(), again.body());
    assertEquals(reply.json(), again.json());
    assertEquals(after, counts());
    return again;
  }

  @Test
  void anIdempotencyKeyRepeatedWithAnotherBodyIsA422ThatSaysSo() throws Exception {
    String key = "changed-" + System.nanoTime();
    assertEquals(201, postWithKey(key, ORDER_BODY).status());
    Map<String, Integer> after = counts();

    Reply other = postWithKey(key, ORDER_BODY.replace("\"quantity\": 3", "\"quantity\": 4"));
    assertEquals(422, other.status(), other.body());
    assertEquals("the Idempotency-Key " + key + " was used before with another request body; send that body again,"
        + " or use a new key for this one", other.json().get("error").textValue());
    assertEquals(after, counts());
  }

  @Test
  void concurrentRequestsWithOneIdempotencyKeyCreateOneOrder() throws Exception {
    String key = "concurrent-" + System.nanoTime();
    int before = count("restock_order");
    List<java.util.concurrent.CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      replies.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return postWithKey(key, ORDER_BODY);
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    JsonNode order = null;
    for (java.util.concurrent.CompletableFuture<Reply> future : replies) {
      Reply reply = future.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(201, reply.status(), reply.body());
      if (order == null) {
        order = reply.json().get("order");
      }
      assertEquals(order, reply.json().get("order"));
    }
    assertEquals(before + 1, count("restock_order"));
  }

  @Test
  void refusesAnIdempotencyKeyThatIsEmptyTooLongOrNotPrintableAscii() throws Exception {
    Map<String, Integer> before = counts();
    for (String key : List.of("", "k".repeat(256))) {   // (other bytes: RestockServerMalformedRequestTest)
      Reply reply = send(HttpRequest.newBuilder(uri("/admin/restock-orders")).header("Content-Type", "application/json")
          .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(ORDER_BODY)).build());
      assertEquals(400, reply.status(), key + " -> " + reply.body());
      assertEquals(List.of("Idempotency-Key"), issuePaths(reply));
    }
    assertEquals(before, counts());
    // 255 characters are fine, and so is a space
    Reply longest = postWithKey("k".repeat(254) + " ", ORDER_BODY);
    assertEquals(201, longest.status(), longest.body());
    assertEquals(longest.json(), postWithKey("k".repeat(254) + " ", ORDER_BODY).json());
  }

  // ------------------------------------------------------------------ 415, paging, HEAD

  @Test
  void acceptsOnlyJsonBodies() throws Exception {
    Map<String, Integer> before = counts();
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/jsonp")) {
      Reply reply = send(HttpRequest.newBuilder(uri("/admin/restock-orders")).header("Content-Type", type)
          .POST(HttpRequest.BodyPublishers.ofString(ORDER_BODY)).build());
      assertEquals(415, reply.status(), type);
      assertEquals("the request body must be JSON, sent with Content-Type: application/json",
          reply.json().get("error").textValue());
    }
    Reply none = send(HttpRequest.newBuilder(uri("/admin/restock-orders"))
        .POST(HttpRequest.BodyPublishers.ofString(ORDER_BODY)).build());
    assertEquals(415, none.status());
    assertEquals(before, counts());
    Reply withCharset = send(HttpRequest.newBuilder(uri("/admin/restock-orders"))
        .header("Content-Type", "Application/JSON; charset=utf-8").POST(HttpRequest.BodyPublishers.ofString(ORDER_BODY)).build());
    assertEquals(201, withCharset.status(), withCharset.body());
  }

  @Test
  void pagesTheOrdersOldestFirst() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(201, post(ORDER_BODY).status());
    }
    Reply all = get("/admin/restock-orders?limit=1000");
    int count = all.json().get("count").intValue();
    assertEquals(count, all.json().get("orders").size());
    assertEquals(count, count("restock_order"));
    assertEquals(0, all.json().get("offset").intValue());
    assertEquals(1000, all.json().get("limit").intValue());

    Reply page = get("/admin/restock-orders?offset=" + (count - 2) + "&limit=1");
    assertEquals(200, page.status(), page.body());
    assertEquals(List.of("orders", "count", "offset", "limit"), fieldNames(page.json()));
    assertEquals(count, page.json().get("count").intValue());
    assertEquals(1, page.json().get("orders").size());
    assertEquals(all.json().get("orders").get(count - 2), page.json().get("orders").get(0));

    assertEquals(0, get("/admin/restock-orders?offset=" + count).json().get("orders").size());
    Reply defaults = get("/admin/restock-orders");
    assertEquals(50, defaults.json().get("limit").intValue());
    assertEquals(Math.min(50, count), defaults.json().get("orders").size());
    assertEquals(all.json().get("orders").get(0), defaults.json().get("orders").get(0));
  }

  @Test
  void refusesBadPagingParameters() throws Exception {
    for (String query : List.of("limit=1001", "limit=-1", "limit=x", "offset=-1", "offset=1.5", "offset=", "limit=1&limit=2")) {
      Reply reply = get("/admin/restock-orders?" + query);
      assertEquals(400, reply.status(), query);
      assertEquals(List.of(query.substring(0, query.indexOf('='))), issuePaths(reply), query);
    }
  }

  @Test
  void servesHeadWhereItServesGet() throws Exception {
    Reply created = post(ORDER_BODY);
    for (String path : List.of("/admin/restock-orders", "/admin/restock-orders/" + created.json().get("order").get("id").textValue(),
        "/admin/workflows/executions/" + created.json().get("transaction_id").textValue())) {
      HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody())
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, head.statusCode(), path);
      assertEquals("", head.body(), path);
      assertEquals("application/json; charset=utf-8", head.headers().firstValue("Content-Type").orElse(null));
    }
    HttpResponse<String> missing = client.send(HttpRequest.newBuilder(uri("/admin/restock-orders/ro_404"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, missing.statusCode());
  }

  @Test
  void anExecutionHasTheTimesOfItsSteps() throws Exception {
    Reply reply = post(ORDER_BODY);
    JsonNode run = execution(reply);
    java.time.OffsetDateTime runStarted = java.time.OffsetDateTime.parse(run.get("started_at").textValue());
    java.time.OffsetDateTime previous = runStarted;
    for (JsonNode step : run.get("steps")) {
      java.time.OffsetDateTime started = java.time.OffsetDateTime.parse(step.get("started_at").textValue());
      java.time.OffsetDateTime finished = java.time.OffsetDateTime.parse(step.get("finished_at").textValue());
      assertFalse(started.isBefore(previous), run::toString);
      assertFalse(finished.isBefore(started), run::toString);
      assertTrue(step.get("compensated_at").isNull(), run::toString);
      previous = finished;
    }
    assertFalse(java.time.OffsetDateTime.parse(run.get("finished_at").textValue()).isBefore(previous), run::toString);
  }

  // ------------------------------------------------------------------ helpers

  private Reply postWithKey(String key, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri("/admin/restock-orders")).header("Content-Type", "application/json")
        .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  protected Reply get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  protected Reply post(String json) throws IOException, InterruptedException {
    return post("/admin/restock-orders", json);
  }

  private Reply post(String path, String json) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  private URI uri(String path) {
    return server.uri().resolve(path);
  }

  /**
   * Sends a request; checks that the answer is JSON in UTF-8 and, if it is an error, that it leaks
   * nothing of the server's insides.
   */
  private Reply send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null),
        request.method() + " " + request.uri());
    String body = response.body();
    if (response.statusCode() >= 400) {
      for (String leak : LEAKS) {
        assertFalse(body.contains(leak), () -> "\"" + leak + "\" in " + body);
      }
    }
    return new Reply(response.statusCode(), body, JSON.readTree(body), response);
  }

  private void assertIssues(String body, String... paths) throws Exception {
    Reply reply = post(body);
    assertEquals(400, reply.status(), body + " -> " + reply.body());
    assertEquals(List.of(paths), issuePaths(reply), body);
  }

  private static List<String> issuePaths(Reply reply) {
    List<String> paths = new ArrayList<>();
    for (JsonNode issue : reply.json().get("issues")) {
      paths.add(issue.get("path").textValue());
    }
    return paths;
  }

  private JsonNode execution(Reply reply) throws IOException, InterruptedException {
    String transactionId = reply.json().get("transaction_id").textValue();
    Reply execution = get("/admin/workflows/executions/" + transactionId);
    assertEquals(200, execution.status(), execution.body());
    for (String leak : LEAKS) {
      assertFalse(execution.body().contains(leak), () -> "\"" + leak + "\" in " + execution.body());
    }
    return execution.json().get("workflow_execution");
  }

  /** The steps of a run have these names and statuses: name, status, name, status, ... */
  private static void assertSteps(JsonNode run, String... namesAndStatuses) {
    List<String> actual = new ArrayList<>();
    for (JsonNode step : run.get("steps")) {
      actual.add(step.get("name").textValue());
      actual.add(step.get("status").textValue());
    }
    assertEquals(List.of(namesAndStatuses), actual, run::toString);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static boolean contains(JsonNode array, JsonNode element) {
    for (JsonNode node : array) {
      if (node.equals(element)) {
        return true;
      }
    }
    return false;
  }

  /** How many rows each table has. */
  private Map<String, Integer> counts() throws SQLException {
    return Map.of(
        "restock_order", count("restock_order"),
        "restock_order_item", count("restock_order_item"),
        "stepwise_runs", count("stepwise_runs"));
  }

  private int count(String table) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
