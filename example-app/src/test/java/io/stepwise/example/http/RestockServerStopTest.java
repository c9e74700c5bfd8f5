package io.stepwise.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.example.Database;
import io.stepwise.example.TestDatabases;
import io.stepwise.example.JdbcSupplierService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stopping the server lets a request in progress finish, and takes no new connection. */
class RestockServerStopTest {
  private Database database;
  private RestockServer server;

  @BeforeEach
  void start() {
    database = Database.open(TestDatabases.h2());
    server = RestockServer.start(0, new JdbcSupplierService(database.dataSource()), TestDatabases.engine(database));
  }

  @AfterEach
  void close() {
    server.stop(0);
    database.close();
  }

  @Test
  void aRequestInProgressFinishesWhileTheServerStops() throws Exception {
    byte[] body = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}"
        .getBytes(StandardCharsets.UTF_8);
    int port = server.port();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, 0, 10);
      out.flush();
      // the API now waits for the rest of the body (conditions, not sleeps: a loaded machine is slow)
      awaitTrue(() -> server.requestsInProgress() == 1, "the request reached the API");

      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.stop(5));
      awaitTrue(() -> refusesConnections(port), "a stopping server takes no new connection");
      assertFalse(stopping.isDone(), "stop waits for the request in progress");
      assertEquals(1, server.requestsInProgress(), "the request is still in progress");

      out.write(body, 10, body.length - 10);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 201 "), response);
      stopping.get(5, TimeUnit.SECONDS);
    }
  }

  private static boolean refusesConnections(int port) {
    try {
      new Socket(InetAddress.getLoopbackAddress(), port).close();
      return false;
    } catch (IOException refused) {
      return true;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() - end < 0, "timed out waiting: " + what);
      Thread.sleep(10);
    }
  }
}
