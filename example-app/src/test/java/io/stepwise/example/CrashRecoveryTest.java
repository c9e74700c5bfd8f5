package io.stepwise.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC's "Durable" paragraph, the hard way: the service in a child process ({@link Main}, on the test
 * class path), clients posting orders with Idempotency-Keys (one in five for a product the supplier
 * does not carry, which fails in create-items after create-order made the order), and {@code kill -9}
 * at a random moment, several times. After the last start:
 *
 * <ul>
 *   <li>every order answered 201 is there, confirmed, with the items of its request;
 *   <li>no order is pending (no half-done order remains once the service has resumed its runs);
 *   <li>repeating every key answers 201 with the same order for each valid request (the acknowledged
 *       one where there was one) and 422 for each failing one, and the store holds exactly one order
 *       per valid key.
 * </ul>
 *
 * On H2 (the default file database) and on PostgreSQL.
 */
class CrashRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KILLS = 3;
  private static final int CLIENTS = 6;
  private static final String VALID = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": %d,"
      + " \"unit_cost\": 1.5}, {\"product_id\": \"prod_2\", \"quantity\": 1, \"unit_cost\": 2}], \"notes\": \"%s\"}";
  private static final String FAILING = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1,"
      + " \"unit_cost\": 1}, {\"product_id\": \"prod_9\", \"quantity\": 1, \"unit_cost\": 1}], \"notes\": \"%s\"}";

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Random random = new Random();

  /** Kept when a test fails: the services' logs (one per start) say what went wrong. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void noAcknowledgedOrderIsLostAndNoneIsHalfDoneOnH2() throws Exception {
    survivesKills("jdbc:h2:file:" + workDir.resolve("data/restock").toAbsolutePath(), "h2");
  }

  @Test
  void noAcknowledgedOrderIsLostAndNoneIsHalfDoneOnPostgres() throws Exception {
    survivesKills(TestDatabases.postgres(), "postgres");
  }

  /** What the clients sent under one key, and what they were answered. */
  private record Sent(String body, boolean valid, int status, String orderId) {}

  private void survivesKills(String databaseUrl, String name) throws Exception {
    int port = freePort();
    URI base = URI.create("http://127.0.0.1:" + port);
    Map<String, Sent> sent = new ConcurrentHashMap<>();
    for (int round = 1; round <= KILLS; round++) {
      Process service = startService(databaseUrl, port, name + "-" + round);
      try {
        awaitReady(service, base);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          String prefix = name + "-r" + round + "-c" + c + "-";
          running.add(clients.submit(() -> post(base, prefix, sent, stop)));
        }
        Thread.sleep(1000 + random.nextInt(2000));
        service.destroyForcibly();   // SIGKILL: nothing runs in the service after this
        assertTrue(service.waitFor(20, TimeUnit.SECONDS), "the killed service did not end");
        stop.set(true);
        for (Future<?> future : running) {
          future.get(30, TimeUnit.SECONDS);
        }
        clients.shutdown();
      } finally {
        service.destroyForcibly();
      }
    }

    Process service = startService(databaseUrl, port, name + "-last");
    try {
      awaitReady(service, base);
      check(base, sent, name);
    } finally {
      service.destroyForcibly();
      service.waitFor(20, TimeUnit.SECONDS);
    }
    String log = Files.readString(logFile(name + "-last"));
    assertTrue(log.contains("Recovery: "), log);
    System.out.printf("CrashRecoveryTest %s: what each start resumed:%n%s", name, recoveries());
  }

  /** The "Recovery: ..." lines of every start's log. */
  private String recoveries() throws IOException {
    StringBuilder lines = new StringBuilder();
    try (var files = Files.list(workDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          if (line.contains("Recovery: ")) {
            lines.append("  ").append(file.getFileName()).append(": ").append(line).append('\n');
          }
        }
      }
    }
    return lines.toString();
  }

  /** Posts orders, each under a key of its own, until {@code stop}; records each key's body and answer. */
  private void post(URI base, String prefix, Map<String, Sent> sent, AtomicBoolean stop) {
    for (int n = 0; !stop.get(); n++) {
      String key = prefix + n;
      boolean valid = random.nextInt(5) != 0;
      String body = valid ? String.format(VALID, 1 + random.nextInt(9), key) : String.format(FAILING, key);
      sent.put(key, new Sent(body, valid, 0, null));
      try {
        HttpResponse<String> response = postOrder(base, key, body);
        JsonNode json = JSON.readTree(response.body());
        String orderId = response.statusCode() == 201 ? json.get("order").get("id").textValue() : null;
        sent.put(key, new Sent(body, valid, response.statusCode(), orderId));
      } catch (IOException e) {
        return;   // the service was killed: this key's fate is checked at the end
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void check(URI base, Map<String, Sent> sent, String name) throws Exception {
    Map<String, JsonNode> orders = new HashMap<>();
    for (JsonNode order : allOrders(base)) {
      orders.put(order.get("id").textValue(), order);
      assertEquals("confirmed", order.get("status").textValue(), () -> "a half-done order remains: " + order);
    }
    int acknowledged = 0;
    int valid = 0;
    Set<String> orderIds = new HashSet<>();
    for (Map.Entry<String, Sent> entry : sent.entrySet()) {
      Sent first = entry.getValue();
      assertTrue(first.status() == 0 || first.status() == 201 || first.status() == 422,
          () -> entry.getKey() + " was answered " + first.status());
      if (first.status() == 201) {
        acknowledged++;
        JsonNode order = orders.get(first.orderId());
        assertNotNull(order, () -> "order " + first.orderId() + " of " + entry.getKey() + " was answered 201 and is gone");
        assertEquals(entry.getKey(), order.get("notes").textValue());
      }
      HttpResponse<String> again = postOrder(base, entry.getKey(), first.body());
      if (first.valid()) {
        valid++;
        assertEquals(201, again.statusCode(), () -> entry.getKey() + ": " + again.body() + " (the services' logs: "
            + workDir + ")");
        JsonNode order = JSON.readTree(again.body()).get("order");
        String id = order.get("id").textValue();
        if (first.orderId() != null) {
          assertEquals(first.orderId(), id, entry.getKey());
        }
        assertTrue(orderIds.add(id), () -> "two keys answered with order " + id);
        assertEquals(2, order.get("items").size(), order::toString);
        assertEquals(orders.getOrDefault(id, order), order, "the repeat's order is the stored one");
      } else {
        assertEquals(422, again.statusCode(), () -> entry.getKey() + ": " + again.body());
        assertEquals("supplier sup_1 does not carry product prod_9", JSON.readTree(again.body()).get("error").textValue());
      }
    }
    List<JsonNode> after = allOrders(base);
    assertEquals(valid, after.size(), "exactly one order per valid key");
    for (JsonNode order : after) {
      assertEquals("confirmed", order.get("status").textValue(), order::toString);
      assertEquals(2, order.get("items").size(), order::toString);
    }
    assertTrue(acknowledged > 0, "no order was acknowledged: the test tested nothing");
    System.out.printf("CrashRecoveryTest %s: %d keys, %d acknowledged with 201, %d valid, %d kills%n",
        name, sent.size(), acknowledged, valid, KILLS);
  }

  private HttpResponse<String> postOrder(URI base, String key, String body) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(base.resolve("/admin/restock-orders")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<JsonNode> allOrders(URI base) throws IOException, InterruptedException {
    List<JsonNode> all = new ArrayList<>();
    while (true) {
      HttpResponse<String> page = client.send(HttpRequest.newBuilder(
          base.resolve("/admin/restock-orders?limit=1000&offset=" + all.size())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), page.body());
      JsonNode json = JSON.readTree(page.body());
      json.get("orders").forEach(all::add);
      if (json.get("orders").isEmpty() || all.size() >= json.get("count").intValue()) {
        return all;
      }
    }
  }

  /** {@link Main} in a JVM of its own, on this test's class path, its log in a file. */
  private Process startService(String databaseUrl, int port, String name) throws IOException {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), Main.class.getName());
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("DATABASE_URL", databaseUrl);
    builder.directory(workDir.toFile());
    builder.redirectErrorStream(true);
    builder.redirectOutput(logFile(name).toFile());
    return builder.start();
  }

  private Path logFile(String name) {
    return workDir.resolve(name + ".log");
  }

  /** Waits until the service answers (which it does only once it has resumed its interrupted runs). */
  private void awaitReady(Process service, URI base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        fail("the service ended with " + service.exitValue() + ":\n" + logs());
      }
      try {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/admin/restock-orders?limit=0"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    fail("the service did not answer within 60 s:\n" + logs());
  }

  private String logs() {
    try (var files = Files.list(workDir)) {
      StringBuilder text = new StringBuilder();
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        text.append("== ").append(file.getFileName()).append('\n')
            .append(Files.readString(file, StandardCharsets.UTF_8));
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
