package io.stepwise.example.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.router.EndpointNotFound;
import io.javalin.util.JavalinBindException;
import io.stepwise.example.PublicErrors;
import io.stepwise.example.SupplierService;
import io.stepwise.runtime.WorkflowEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Javalin (on Jetty 12) serving {@link RestockApi} on all network interfaces. Javalin routes the
 * requests: an unknown path is a {@code 404}, a method the path does not serve a {@code 405} with
 * {@code Allow}, both JSON. What Jetty refuses before any handler (a malformed request line, URI,
 * header, Content-Length or Transfer-Encoding, a header too large) is answered by
 * {@link JsonErrorHandler}: JSON, as every other answer, naming no class. A connection idle for 30 s
 * is closed, so slow clients cannot hold the server's threads.
 *
 * <p>{@link #start} resumes the runs that a crash interrupted before it takes requests, so that no
 * half-done order is left once the server answers. {@link #close()} stops it gracefully: no new
 * connections, requests in progress get a few seconds to finish, then the engine stops its runs at
 * their next checkpoint (the next start finishes them).
 */
public final class RestockServer implements AutoCloseable {
  /** How long a connection may stay idle (no byte read or written) before Jetty closes it. */
  static final long IDLE_TIMEOUT_MILLIS = 30_000;
  /** How long the start waits for the resumed runs to end before it serves anyway. */
  private static final long RECOVERY_SECONDS = 60;
  private static final int STOP_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(RestockServer.class);

  private final Javalin app;
  private final GracefulHandler graceful;
  private final WorkflowEngine engine;

  private RestockServer(Javalin app, GracefulHandler graceful, WorkflowEngine engine) {
    this.app = app;
    this.graceful = graceful;
    this.engine = engine;
  }

  /**
   * Registers the workflow with {@code engine}, starts the engine (which resumes the runs a crash
   * interrupted), waits for those runs to end and logs how they ended, then serves on {@code port}
   * (0: any free port; see {@link #port()}). The server owns the engine from then on: closing the
   * server closes it.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static RestockServer start(int port, SupplierService suppliers, WorkflowEngine engine) {
    return start(port, suppliers, engine, IDLE_TIMEOUT_MILLIS);
  }

  /** {@link #start(int, SupplierService, WorkflowEngine)} with another idle timeout (for tests). */
  static RestockServer start(int port, SupplierService suppliers, WorkflowEngine engine, long idleTimeoutMillis) {
    RestockApi api = new RestockApi(suppliers, engine);
    engine.start();
    awaitRecovery(engine);
    GracefulHandler graceful = new GracefulHandler();
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.startup.startupWatcherEnabled = false;
      // "/admin/restock-orders/" is a 404, not the list
      config.router.ignoreTrailingSlashes = false;
      config.router.treatMultipleSlashesAsSingleSlash = false;
      config.http.defaultContentType = RestockApi.JSON_UTF_8;
      config.http.prefer405over404 = true;
      config.jetty.modifyServer(server -> {
        server.setErrorHandler(new JsonErrorHandler());
        server.insertHandler(graceful);
        server.insertHandler(new IgnoreMethodOverride());
        server.setStopTimeout(STOP_SECONDS * 1000L);
      });
      // errors that Jetty's servlet layer answers (an ambiguous path, for one)
      config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
      config.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
      });
      config.jetty.addConnector((server, http) -> {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeoutMillis);
        return connector;
      });
      api.addRoutes(config.routes);
      // Javalin's 404 (no route has the path) and 405 (routes have it, for other methods), in JSON
      config.routes.exception(EndpointNotFound.class, (e, ctx) -> notFound(ctx));
      config.routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
        String allowed = e.getDetails().get("availableMethods");
        if (allowed == null || allowed.isEmpty()) {
          notFound(ctx);
          return;
        }
        ctx.header("Allow", allowed);
        RestockApi.send(ctx, new RestockApi.Response(405,
            Json.error("method " + ctx.req().getMethod() + " is not allowed here; allowed: " + allowed)));
      });
      // what escapes the API (it answers its own errors; reading a request body can still fail)
      config.routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));
      // an Error (StackOverflowError, OutOfMemoryError...) thrown while answering: Javalin would
      // send an empty 500
      config.router.javaLangErrorHandler((response, error) -> {
        log.error("A request failed with an error", error);
        response.setStatus(500);
        RestockApi.setJsonContentType(response);
        try {
          response.getOutputStream().write(Json.bytes(Json.error(PublicErrors.UNEXPECTED)));
        } catch (IOException | RuntimeException e) {
          log.debug("Could not answer 500", e);
        }
      });
    });
    try {
      app.start();
    } catch (JavalinBindException e) {
      engine.close();
      throw new UncheckedIOException("cannot listen on port " + port, new BindException(e.getMessage()));
    }
    return new RestockServer(app, graceful, engine);
  }

  /** Waits until the runs that the engine resumed have ended (at most a minute), and logs how they ended. */
  private static void awaitRecovery(WorkflowEngine engine) {
    try {
      WorkflowEngine.Recovery recovery = engine.recovery().get(RECOVERY_SECONDS, TimeUnit.SECONDS);
      if (recovery.resumed() == 0 && recovery.notResumed() == 0) {
        log.info("Recovery: no interrupted run to resume");
      } else {
        log.info("Recovery: {}", recovery);
      }
    } catch (TimeoutException e) {
      log.warn("Recovery: the resumed runs have not all ended after {} s; serving meanwhile", RECOVERY_SECONDS);
    } catch (ExecutionException e) {
      log.error("Recovery failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while resuming runs", e);
    }
  }

  private static void notFound(Context ctx) {
    RestockApi.send(ctx, new RestockApi.Response(404, Json.error("not found")));
  }

  private static void unexpected(Context ctx, Exception e) {
    log.error("{} {} failed unexpectedly", Logs.escape(ctx.req().getMethod()), Logs.escape(ctx.req().getRequestURI()), e);
    ctx.status(500).result(Json.bytes(Json.error(PublicErrors.UNEXPECTED)));
    RestockApi.setJsonContentType(ctx.res());
  }

  /** How many requests are being answered now (for tests that stop the server during one). */
  long requestsInProgress() {
    return graceful.getCurrentRequestCount();
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
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
   * closes the remaining connections and ends the threads, and closes the engine.
   */
  public void stop(int graceSeconds) {
    app.jettyServer().server().setStopTimeout(graceSeconds * 1000L);
    app.stop();
    engine.close();
  }
}
