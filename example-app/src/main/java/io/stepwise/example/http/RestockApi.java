package io.stepwise.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletResponse;
import io.stepwise.example.CreateRestockOrderInput;
import io.stepwise.example.CreateRestockOrderWorkflowRunner;
import io.stepwise.example.PublicErrors;
import io.stepwise.example.RestockException;
import io.stepwise.example.RestockOrder;
import io.stepwise.example.StoreUnavailableException;
import io.stepwise.example.SupplierService;
import io.stepwise.example.WorkflowExecution;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowEngine;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.WorkflowSuspendedException;
import io.stepwise.runtime.store.RestoredException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restock service's HTTP API, the one of the Medusa guide:
 *
 * <ul>
 *   <li>{@code POST /admin/restock-orders} runs the create-restock-order workflow: {@code 201}
 *       with the confirmed order and the run's transaction id; {@code 400} with the issues of a bad
 *       request; {@code 413} for a body over 1 MiB; {@code 415} for a body that is not
 *       {@code application/json}; {@code 422} when a business rule stopped the workflow (its
 *       compensations ran: nothing of the order remains). An {@code Idempotency-Key} header names
 *       the run: a repeat answers as the first request did and runs nothing more;
 *   <li>{@code GET /admin/restock-orders} (paged: {@code offset}, {@code limit}) and
 *       {@code GET /admin/restock-orders/{id}};
 *   <li>{@code GET /admin/workflows/executions/{transaction_id}}: the engine's record of a run.
 * </ul>
 *
 * <p>Javalin routes the requests ({@link #addRoutes}); {@code HEAD} is served wherever {@code GET} is.
 * Every response is JSON. No response carries a stack trace, SQL or a class name: an unexpected
 * error is logged here and answered {@code 500} with a generic message.
 */
public final class RestockApi {
  /** The largest request body accepted: 1 MiB. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  /** How much more of a too large body is read and dropped before the 413 is sent: 2 MiB. */
  private static final int MAX_SWALLOW_BYTES = 2 * 1024 * 1024;
  /** The longest Idempotency-Key accepted. */
  static final int MAX_KEY_LENGTH = 255;
  /** How many orders a page holds by default, and at most. */
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1000;

  /** The Content-Type of every response. */
  static final String JSON_UTF_8 = "application/json; charset=utf-8";

  private static final HttpField CONTENT_TYPE = new HttpField(null, "Content-Type", JSON_UTF_8);
  private static final Logger log = LoggerFactory.getLogger(RestockApi.class);
  static final String ORDERS = "/admin/restock-orders";
  static final String ORDER = "/admin/restock-orders/{id}";
  static final String EXECUTION = "/admin/workflows/executions/{transaction_id}";

  private final SupplierService suppliers;
  private final WorkflowEngine engine;
  private final CreateRestockOrderWorkflowRunner runner;

  /**
   * An API on {@code suppliers} whose runs {@code engine} records. Registers the workflow with the
   * engine: create it before {@code engine.start()}.
   */
  public RestockApi(SupplierService suppliers, WorkflowEngine engine) {
    this.suppliers = Objects.requireNonNull(suppliers, "suppliers");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.runner = CreateRestockOrderWorkflowRunner.create(Container.of(suppliers), engine);
  }

  /** A response: its status and JSON body. */
  record Response(int status, JsonNode body) {}

  /** The request body is larger than {@link #MAX_BODY_BYTES}. */
  private static final class BodyTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;
  }

  /** Adds the API's routes: GET (and HEAD) and POST of the orders, GET (and HEAD) of an order and of a run. */
  void addRoutes(RoutesConfig routes) {
    routes.get(ORDERS, answer(this::listOrders));
    routes.head(ORDERS, answer(this::listOrders));
    routes.post(ORDERS, answer(this::createOrder));
    routes.get(ORDER, answer(this::getOrder));
    routes.head(ORDER, answer(this::getOrder));
    routes.get(EXECUTION, answer(this::getExecution));
    routes.head(EXECUTION, answer(this::getExecution));
  }

  /** An endpoint: answers a request. */
  @FunctionalInterface
  private interface Endpoint {
    Response answer(Context ctx) throws IOException;
  }

  /** A Javalin handler that sends what {@code endpoint} answers, and a 500 for what it throws. */
  private static Handler answer(Endpoint endpoint) {
    return ctx -> {
      Response response;
      try {
        response = endpoint.answer(ctx);
      } catch (RuntimeException e) {
        log.error("{} {} failed unexpectedly", ctx.req().getMethod(), Logs.escape(ctx.req().getRequestURI()), e);
        response = new Response(500, Json.error(PublicErrors.UNEXPECTED));
      }
      send(ctx, response);
    };
  }

  // ------------------------------------------------------------------ endpoints

  private Response createOrder(Context ctx) throws IOException {
    String key = ctx.header("Idempotency-Key");
    if (key != null && !isValidKey(key)) {
      ArrayNode issues = Json.MAPPER.createArrayNode();
      issues.addObject().put("path", "Idempotency-Key")
          .put("message", "must be 1 to " + MAX_KEY_LENGTH + " printable ASCII characters");
      return invalid("invalid Idempotency-Key header", issues);
    }
    byte[] bytes;
    try {
      bytes = readBody(ctx);
    } catch (BodyTooLargeException e) {
      ctx.header("Connection", "close");
      return new Response(413, Json.error("the request body is larger than 1 MiB"));
    } catch (IOException e) {
      return invalid("the request body could not be read", Json.MAPPER.createArrayNode());
    }
    // only JSON: a browser on another site can post a form (no preflight), but not this
    if (!isJson(ctx.header("Content-Type"))) {
      ctx.header("Accept-Post", "application/json");
      return new Response(415, Json.error("the request body must be JSON, sent with Content-Type: application/json"));
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(bytes);
    } catch (IOException | NumberFormatException | ArithmeticException e) {
      // Jackson's message quotes the body and names classes: say only what is wrong (a number such
      // as 1e2147483648 is valid JSON but out of any range: Jackson throws NumberFormatException)
      return invalid("the request body is not valid JSON, or holds a number out of range", Json.MAPPER.createArrayNode());
    }
    if (body == null || body.isMissingNode()) {
      return invalid("the request body is empty", Json.MAPPER.createArrayNode());
    }
    CreateRestockOrderInput input;
    try {
      input = CreateRestockOrderRequest.read(body);
    } catch (CreateRestockOrderRequest.InvalidRequestException e) {
      return invalid("invalid request body", Json.issues(e.issues()));
    } catch (NumberFormatException | ArithmeticException e) {
      return invalid("the request body holds a number out of range", Json.MAPPER.createArrayNode());
    }

    // no listener: a run with one reads its record before it begins, which costs a keyed order a
    // commit (the workflow logs its steps' unexpected failures itself)
    RunOptions.Builder options = RunOptions.builder().throwOnError(false);
    if (key != null) {
      options.transactionId(transactionId(key));
    }
    WorkflowResult<RestockOrder> result;
    try {
      result = runner.run(input, options.build());
    } catch (IllegalArgumentException e) {
      if (key == null) {
        throw e;
      }
      // the engine compared this input with the one its record holds for the key's run
      ObjectNode json = Json.error("the Idempotency-Key " + key + " was used before with another request body;"
          + " send that body again, or use a new key for this one");
      json.put("transaction_id", transactionId(key));
      return new Response(422, json);
    } catch (WorkflowSuspendedException e) {
      // the service is stopping: the run stopped at a checkpoint, and the next start finishes it
      ObjectNode json = Json.error("the service is stopping; the order is finished when it starts again"
          + (key == null ? "" : ": send the request again with the same Idempotency-Key to get it"));
      if (key != null) {
        json.put("transaction_id", transactionId(key));
      }
      return new Response(503, json);
    }
    if (result.status() == WorkflowStatus.DONE) {
      ObjectNode json = Json.object();
      json.set("order", Json.order(result.result()));
      json.put("transaction_id", result.transactionId());
      return new Response(201, json);
    }
    return workflowFailed(result);
  }

  /**
   * A run that did not end DONE: 422 if a business rule stopped it and everything was undone, 503
   * while the store is in maintenance, else 500. Each answer names the transaction id, whose
   * execution tells more. A run that ended before (a repeated Idempotency-Key) has its errors as the
   * engine recorded them: class name and message.
   */
  private static Response workflowFailed(WorkflowResult<RestockOrder> result) {
    Throwable cause = null;
    for (StepError error : result.errors()) {
      if (error.phase() == StepPhase.INVOKE) {
        cause = error.cause();
        break;
      }
    }
    int status;
    String message;
    if (result.status() == WorkflowStatus.REVERTED && is(cause, RestockException.class)) {
      status = 422;
      message = cause.getMessage();
    } else if (result.status() == WorkflowStatus.REVERTED && is(cause, StoreUnavailableException.class)) {
      status = 503;
      message = cause.getMessage();
    } else {
      status = 500;
      message = result.status() == WorkflowStatus.FAILED
          ? "the restock order could not be created, and undoing it failed"
          : PublicErrors.UNEXPECTED;
      log.error("Workflow run {} ended {}; its execution and the log above tell why",
          Logs.escape(result.transactionId()), result.status());
    }
    ObjectNode json = Json.error(message);
    json.put("transaction_id", result.transactionId());
    return new Response(status, json);
  }

  /** Whether {@code cause} is a {@code type}, or the engine's stand-in for one it recorded. */
  private static boolean is(Throwable cause, Class<? extends Throwable> type) {
    return type.isInstance(cause)
        || cause instanceof RestoredException restored && restored.originalType().equals(type.getName());
  }

  private Response listOrders(Context ctx) {
    ArrayNode issues = Json.MAPPER.createArrayNode();
    int offset = queryInt(ctx, "offset", 0, Integer.MAX_VALUE, 0, issues);
    int limit = queryInt(ctx, "limit", 0, MAX_LIMIT, DEFAULT_LIMIT, issues);
    if (!issues.isEmpty()) {
      return invalid("invalid query parameters", issues);
    }
    int count = suppliers.countOrders();
    ObjectNode json = Json.object();
    json.set("orders", Json.orders(suppliers.listOrders(offset, limit)));
    json.put("count", count);
    json.put("offset", offset);
    json.put("limit", limit);
    return new Response(200, json);
  }

  /**
   * The query parameter {@code name}: an integer from {@code min} to {@code max}, or
   * {@code otherwise} if it is absent; a bad value adds an issue.
   */
  private static int queryInt(Context ctx, String name, int min, int max, int otherwise, ArrayNode issues) {
    java.util.List<String> values = ctx.queryParams(name);
    if (values.isEmpty()) {
      return otherwise;
    }
    String message = "must be an integer from " + min + " to " + max;
    if (values.size() == 1) {
      try {
        int value = Integer.parseInt(values.get(0));
        if (value >= min && value <= max) {
          return value;
        }
      } catch (NumberFormatException e) {
        // an issue, below
      }
    } else {
      message = "must be given once";
    }
    issues.addObject().put("path", name).put("message", message);
    return otherwise;
  }

  private Response getOrder(Context ctx) {
    return suppliers.findOrder(ctx.pathParam("id"))
        .map(order -> ok("order", Json.order(order)))
        .orElseGet(() -> new Response(404, Json.error("restock order not found")));
  }

  private Response getExecution(Context ctx) {
    return engine.timeline(ctx.pathParam("transaction_id"))
        .map(run -> ok("workflow_execution", Json.execution(WorkflowExecution.of(run))))
        .orElseGet(() -> new Response(404, Json.error("workflow execution not found")));
  }

  /** 200 with {@code {"<field>": value}}. */
  private static Response ok(String field, JsonNode value) {
    ObjectNode json = Json.object();
    json.set(field, value);
    return new Response(200, json);
  }

  // ------------------------------------------------------------------ Idempotency-Key

  /** Whether {@code key} is 1 to 255 printable ASCII characters (space included, as in a header value). */
  static boolean isValidKey(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * The transaction id of the run that an Idempotency-Key names: {@code key:<key>}, or for a key
   * too long for the engine's 255 characters, {@code key#<sha-256 of the key>}. An id that the
   * engine makes up for a request without a key never starts so.
   */
  static String transactionId(String key) {
    if (key.length() <= MAX_KEY_LENGTH - 4) {
      return "key:" + key;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
      return "key#" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Whether a Content-Type names JSON: {@code application/json}, with parameters or not. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
    return mediaType.toLowerCase(Locale.ROOT).equals("application/json");
  }

  // ------------------------------------------------------------------ plumbing

  private static Response invalid(String error, JsonNode issues) {
    ObjectNode json = Json.error(error);
    json.set("issues", issues);
    return new Response(400, json);
  }

  /**
   * The request body, at most {@link #MAX_BODY_BYTES}: a larger declared Content-Length is refused
   * before the body is read, and no more than one byte over the limit is ever kept.
   */
  private static byte[] readBody(Context ctx) throws IOException, BodyTooLargeException {
    InputStream in = ctx.req().getInputStream();
    long declared = declaredLength(ctx);
    if (declared > MAX_BODY_BYTES) {
      if (declared <= MAX_BODY_BYTES + MAX_SWALLOW_BYTES) {
        swallow(in);
      }
      throw new BodyTooLargeException();
    }
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      swallow(in);
      throw new BodyTooLargeException();
    }
    return body;
  }

  /** The request's Content-Length, or -1 if it has none (a chunked body). */
  private static long declaredLength(Context ctx) {
    String declared = ctx.header("Content-Length");
    try {
      return declared == null ? -1 : Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      return -1; // the server has checked the header already
    }
  }

  /**
   * Reads and drops up to {@link #MAX_SWALLOW_BYTES} more of a body that is too large. A client
   * still sending its body would otherwise see the connection reset instead of the 413 (Tomcat's
   * {@code maxSwallowSize} does the same). Nothing is kept.
   */
  private static void swallow(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    long left = MAX_SWALLOW_BYTES;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        return;
      }
      left -= read;
    }
  }

  static void send(Context ctx, Response response) {
    ctx.status(response.status()).result(Json.bytes(response.body()));
    setJsonContentType(ctx.res());
  }

  /**
   * Sets {@code Content-Type: application/json; charset=utf-8}, written as is. The servlet API
   * ({@code setContentType}, {@code setHeader}) rewrites a content type it knows into Jetty's
   * canonical form, {@code application/json;charset=utf-8}: the same media type, but not the text
   * this service always sent. A header field made without Jetty's {@link HttpHeader} constant is
   * passed through untouched.
   */
  static void setJsonContentType(HttpServletResponse response) {
    response.setContentType(null);
    ServletContextResponse.getServletContextResponse(response).getHeaders().put(CONTENT_TYPE);
  }
}
