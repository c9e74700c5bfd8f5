package io.stepwise.example.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.EndpointNotFound;
import io.javalin.util.JavalinBindException;
import io.stepwise.example.ExecutionLog;
import io.stepwise.example.PublicErrors;
import io.stepwise.example.SupplierService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Javalin (on Jetty 12) serving {@link RestockApi} on all network interfaces. Every request, whatever
 * its method and path, goes to the API, which routes it itself. What Jetty refuses before any
 * handler (a malformed request line, URI, header, Content-Length or Transfer-Encoding, a header too
 * large) is answered by {@link JsonErrorHandler}: JSON, as every other answer, naming no class.
 * A connection idle for 30 s is closed, so slow clients cannot hold the server's threads.
 * {@link #close()} stops it gracefully: no new connections, and requests in progress get a few
 * seconds to finish.
 */
public final class RestockServer implements AutoCloseable {
  /** How long a connection may stay idle (no byte read or written) before Jetty closes it. */
  static final long IDLE_TIMEOUT_MILLIS = 30_000;
  private static final int STOP_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(RestockServer.class);

  private final Javalin app;
  private final GracefulHandler graceful;

  private RestockServer(Javalin app, GracefulHandler graceful) {
    this.app = app;
    this.graceful = graceful;
  }

  /**
   * Starts serving on {@code port} (0: any free port; see {@link #port()}).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static RestockServer start(int port, SupplierService suppliers, ExecutionLog executions) {
    return start(port, suppliers, executions, IDLE_TIMEOUT_MILLIS);
  }

  /** {@link #start(int, SupplierService, ExecutionLog)} with another idle timeout (for tests). */
  static RestockServer start(int port, SupplierService suppliers, ExecutionLog executions, long idleTimeoutMillis) {
    RestockApi api = new RestockApi(suppliers, executions);
    GracefulHandler graceful = new GracefulHandler();
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.startup.startupWatcherEnabled = false;
      // the API routes by the raw path: "/admin/restock-orders/" is a 404, not the list
      config.router.ignoreTrailingSlashes = false;
      config.router.treatMultipleSlashesAsSingleSlash = false;
      config.http.defaultContentType = RestockApi.JSON_UTF_8;
      config.jetty.modifyServer(server -> {
        server.setErrorHandler(new JsonErrorHandler());
        server.insertHandler(graceful);
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
      for (HandlerType method : HandlerType.values()) {
        if (method.isHttpMethod()) {
          config.routes.addHttpHandler(method, "*", api);
        }
      }
      // a method Javalin has no route for (an extension method such as PROPFIND): the API answers
      // 405 or 404 as for any other method
      config.routes.exception(EndpointNotFound.class, (e, ctx) -> {
        try {
          api.handle(ctx);
        } catch (IOException | RuntimeException failure) {
          unexpected(ctx, failure);
        }
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
      throw new UncheckedIOException("cannot listen on port " + port, new BindException(e.getMessage()));
    }
    return new RestockServer(app, graceful);
  }

  private static void unexpected(Context ctx, Exception e) {
    log.error("{} {} failed unexpectedly", ctx.req().getMethod(), ctx.req().getRequestURI(), e);
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
   * closes the remaining connections and ends the threads.
   */
  public void stop(int graceSeconds) {
    app.jettyServer().server().setStopTimeout(graceSeconds * 1000L);
    app.stop();
  }
}
