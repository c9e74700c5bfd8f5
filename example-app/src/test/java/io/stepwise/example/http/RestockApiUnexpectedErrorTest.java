package io.stepwise.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.example.Database;
import io.stepwise.example.TestDatabases;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.store.InMemoryRunStore;
import io.stepwise.example.JdbcSupplierService;
import io.stepwise.example.SupplierService;
import java.lang.reflect.Proxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When the database fails under the API: 500 with a generic message, nothing of the failure shown. */
class RestockApiUnexpectedErrorTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private Database database;
  private RestockServer server;

  @BeforeEach
  void start() throws Exception {
    database = Database.open(TestDatabases.h2());
    server = RestockServer.start(0, new JdbcSupplierService(database.dataSource()), TestDatabases.engine(database));
    try (Connection c = database.dataSource().getConnection(); Statement statement = c.createStatement()) {
      statement.execute("DROP TABLE restock_order_item");
    }
  }

  @AfterEach
  void stop() {
    server.stop(0);
    database.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
    for (String leak : List.of("Exception", "java.", "SQL", "sql", "restock_order_item", "\tat ", "org.h2", "io.stepwise")) {
      assertFalse(response.body().contains(leak), () -> leak + " in " + response.body());
    }
    return response;
  }

  @Test
  void anErrorIsA500WithAGenericMessage() throws Exception {
    // a store whose every method throws an Error, which the API does not catch: Javalin's handler does
    SupplierService failing = (SupplierService) Proxy.newProxyInstance(SupplierService.class.getClassLoader(),
        new Class<?>[] {SupplierService.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("hashCode") ? 0 : method.getName().equals("equals") ? proxy == args[0] : "failing";
          }
          throw new StackOverflowError("java.lang.StackOverflowError in io.stepwise");
        });
    // its runs in memory: the store above is the one that fails
    RestockServer failingServer = RestockServer.start(0, failing,
        WorkflowEngine.builder().store(new InMemoryRunStore()).build());
    try {
      HttpResponse<String> response = send(HttpRequest.newBuilder(failingServer.uri().resolve("/admin/restock-orders")));
      assertEquals(500, response.statusCode());
      assertEquals("{\"error\":\"an unexpected error occurred\"}", response.body());
    } finally {
      failingServer.stop(0);
    }
  }

  @Test
  void aFailingReadIsA500WithAGenericMessage() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri().resolve("/admin/restock-orders")));
    assertEquals(500, response.statusCode());
    assertEquals("{\"error\":\"an unexpected error occurred\"}", response.body());
  }

  @Test
  void aRunThatFailsAndCannotBeUndoneIsA500AndItsExecutionShowsNoInternals() throws Exception {
    // create-order works; create-items fails on the missing table, and so does the compensation
    // of create-order, which deletes the order's items first
    HttpResponse<String> response = send(HttpRequest.newBuilder(server.uri().resolve("/admin/restock-orders"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}")));
    assertEquals(500, response.statusCode(), response.body());
    JsonNode json = new ObjectMapper().readTree(response.body());
    assertEquals("the restock order could not be created, and undoing it failed", json.get("error").textValue());

    HttpResponse<String> execution = send(HttpRequest.newBuilder(
        server.uri().resolve("/admin/workflows/executions/" + json.get("transaction_id").textValue())));
    assertEquals(200, execution.statusCode());
    JsonNode run = new ObjectMapper().readTree(execution.body()).get("workflow_execution");
    assertEquals("failed", run.get("status").textValue());
    assertEquals("compensation_failed", run.get("steps").get(0).get("status").textValue());
    assertEquals("an unexpected error occurred", run.get("steps").get(0).get("errors").get(0).get("message").textValue());
    assertEquals("failed", run.get("steps").get(1).get("status").textValue());
    assertEquals("an unexpected error occurred", run.get("steps").get(1).get("errors").get(0).get("message").textValue());
  }
}
