package io.stepwise.example;

import io.stepwise.example.http.RestockServer;
import io.stepwise.runtime.WorkflowEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the restock service: {@code java -jar stepwise-example-app.jar}. The environment sets it up:
 *
 * <ul>
 *   <li>{@code PORT}: the HTTP port, 9000 if unset;
 *   <li>{@code DATABASE_URL}: a JDBC URL of H2 or PostgreSQL, such as
 *       {@code jdbc:postgresql://127.0.0.1:5432/shop?user=postgres}; if unset, an H2 database in
 *       {@code ./data}, created on first start ({@link Database#DEFAULT_URL}).
 * </ul>
 *
 * <p>{@code java -jar stepwise-example-app.jar demo} runs the console demo ({@link RestockDemo}) in
 * memory instead, and exits.
 *
 * <p>The service runs its workflow on a {@link WorkflowEngine} whose run store is in the same
 * database: at start it finishes or undoes the runs a crash interrupted, before it takes requests.
 * It stops gracefully on SIGTERM or Ctrl-C: the server finishes the requests in progress, the engine
 * stops the runs still going at their next checkpoint (the next start finishes them), then the
 * connection pool closes.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final int DEFAULT_PORT = 9000;

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("demo")) {
      RestockDemo.main(new String[0]);
      return;
    }
    if (args.length > 0) {
      System.err.println("usage: java -jar stepwise-example-app.jar [demo]");
      System.err.println("  without arguments: the HTTP service (environment: PORT, DATABASE_URL)");
      System.err.println("  demo: the console demo, in memory");
      System.exit(2);
    }
    int port = port(System.getenv("PORT"));
    String url = System.getenv("DATABASE_URL");
    if (url == null || url.isBlank()) {
      url = Database.DEFAULT_URL;
    }
    Database database = Database.open(url);
    RestockServer server;
    try {
      // the run store is on the orders' database: a step's work and its checkpoint share it
      WorkflowEngine engine = WorkflowEngine.builder().store(database.runStore()).build();
      server = RestockServer.start(port, new JdbcSupplierService(database.dataSource()), engine);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Stopping the restock service");
      server.close();
      database.close();
      log.info("Stopped");
    }, "shutdown"));
    log.info("Restock service listening on {}/admin/restock-orders (database {})", server.uri(), database.displayUrl());
  }

  /** The port {@code PORT} names, or 9000 if it is unset. */
  static int port(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("PORT must be a port number from 0 to 65535, was \"" + value + "\"");
  }
}
