package io.stepwise.example.http;

import com.sun.net.httpserver.HttpServer;
import io.stepwise.example.ExecutionLog;
import io.stepwise.example.SupplierService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's HTTP server ({@code com.sun.net.httpserver}) serving {@link RestockApi} on all network
 * interfaces, with a fixed pool of request threads. {@link #close()} stops it gracefully: no new
 * connections, and requests in progress get a few seconds to finish.
 */
public final class RestockServer implements AutoCloseable {
  private static final int THREADS = 32;
  private static final int STOP_SECONDS = 5;

  static {
    // The JDK's server waits for a slow client forever by default: a few clients that send their
    // request (or read the answer) byte by byte would hold every request thread. Bound both, in
    // seconds, unless the application set them; the server reads them once, when first used.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", "30");
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", "60");
    }
  }

  private final HttpServer server;
  private final ExecutorService threads;

  private RestockServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Starts serving on {@code port} (0: any free port; see {@link #port()}).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static RestockServer start(int port, SupplierService suppliers, ExecutionLog executions) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    server.setExecutor(threads);
    server.createContext("/", new RestockApi(suppliers, executions));
    server.start();
    return new RestockServer(server, threads);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://localhost:<port>}. */
  public URI uri() {
    return URI.create("http://localhost:" + port());
  }

  /** Stops gracefully: {@link #stop(int)} with a grace period of 5 seconds. */
  @Override
  public void close() {
    stop(STOP_SECONDS);
  }

  /**
   * Stops accepting connections, lets requests in progress finish within {@code graceSeconds}, then
   * ends the threads. (The JDK's server waits out the whole grace period on Java 17, even when no
   * request is in progress.)
   */
  public void stop(int graceSeconds) {
    server.stop(graceSeconds);
    threads.shutdown();
    try {
      if (!threads.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
