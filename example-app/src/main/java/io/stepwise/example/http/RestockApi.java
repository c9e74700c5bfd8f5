package io.stepwise.example.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.http.HttpServletResponse;
import io.stepwise.example.CreateRestockOrderInput;
import io.stepwise.example.CreateRestockOrderWorkflowRunner;
import io.stepwise.example.ExecutionLog;
import io.stepwise.example.PublicErrors;
import io.stepwise.example.RestockException;
import io.stepwise.example.RestockOrder;
import io.stepwise.example.StoreUnavailableException;
import io.stepwise.example.SupplierService;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.io.IOException;
import java.io.InputStream;
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
 *       request; {@code 413} for a body over 1 MiB; {@code 422} when a business rule stopped the
 *       workflow (its compensations ran: nothing of the order remains);
 *   <li>{@code GET /admin/restock-orders} and {@code GET /admin/restock-orders/{id}};
 *   <li>{@code GET /admin/workflows/executions/{transaction_id}}: the record of a run.
 * </ul>
 *
 * <p>Every response is JSON. An unknown path is a {@code 404}, a wrong method a {@code 405}. No
 * response carries a stack trace, SQL or a class name: an unexpected error is logged here and
 * answered {@code 500} with a generic message.
 */
public final class RestockApi implements Handler {
  /** The largest request body accepted: 1 MiB. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  /** How much more of a too large body is read and dropped before the 413 is sent: 2 MiB. */
  private static final int MAX_SWALLOW_BYTES = 2 * 1024 * 1024;

  /** The Content-Type of every response. */
  static final String JSON_UTF_8 = "application/json; charset=utf-8";

  private static final HttpField CONTENT_TYPE = new HttpField(null, "Content-Type", JSON_UTF_8);
  private static final Logger log = LoggerFactory.getLogger(RestockApi.class);
  private static final String ORDERS = "/admin/restock-orders";
  private static final String ORDER = "/admin/restock-orders/";
  private static final String EXECUTION = "/admin/workflows/executions/";

  private final SupplierService suppliers;
  private final ExecutionLog executions;
  private final CreateRestockOrderWorkflowRunner runner;

  public RestockApi(SupplierService suppliers, ExecutionLog executions) {
    this.suppliers = Objects.requireNonNull(suppliers, "suppliers");
    this.executions = Objects.requireNonNull(executions, "executions");
    this.runner = CreateRestockOrderWorkflowRunner.create(Container.of(suppliers));
  }

  /** A response: its status and JSON body. */
  private record Response(int status, JsonNode body) {}

  /** The request body is larger than {@link #MAX_BODY_BYTES}. */
  private static final class BodyTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Answers any request: {@link RestockServer} sends every method and path here, and does the
   * routing itself, as the JDK's server did (the request's own method, never an
   * {@code X-HTTP-Method-Override}; its raw path, still percent-encoded).
   */
  @Override
  public void handle(Context ctx) throws IOException {
    Response response;
    try {
      response = route(ctx);
    } catch (RuntimeException e) {
      log.error("{} {} failed unexpectedly", ctx.req().getMethod(), ctx.req().getRequestURI(), e);
      response = new Response(500, Json.error(PublicErrors.UNEXPECTED));
    }
    send(ctx, response);
  }

  private Response route(Context ctx) throws IOException {
    String method = ctx.req().getMethod();
    String path = ctx.req().getRequestURI();
    if (path.equals(ORDERS)) {
      if (method.equals("GET")) {
        return listOrders();
      }
      if (method.equals("POST")) {
        return createOrder(ctx);
      }
      return methodNotAllowed(ctx, "GET, POST");
    }
    String orderId = idAfter(ORDER, path);
    if (orderId != null) {
      return method.equals("GET") ? getOrder(orderId) : methodNotAllowed(ctx, "GET");
    }
    String transactionId = idAfter(EXECUTION, path);
    if (transactionId != null) {
      return method.equals("GET") ? getExecution(transactionId) : methodNotAllowed(ctx, "GET");
    }
    return new Response(404, Json.error("not found"));
  }

  // ------------------------------------------------------------------ endpoints

  private Response createOrder(Context ctx) throws IOException {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(readBody(ctx));
    } catch (BodyTooLargeException e) {
      ctx.header("Connection", "close");
      return new Response(413, Json.error("the request body is larger than 1 MiB"));
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

    WorkflowResult<RestockOrder> result =
        runner.run(input, RunOptions.builder().throwOnError(false).listener(executions).build());
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
   * execution tells more.
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
    if (result.status() == WorkflowStatus.REVERTED && cause instanceof RestockException) {
      status = 422;
      message = cause.getMessage();
    } else if (result.status() == WorkflowStatus.REVERTED && cause instanceof StoreUnavailableException) {
      status = 503;
      message = cause.getMessage();
    } else {
      status = 500;
      message = result.status() == WorkflowStatus.FAILED
          ? "the restock order could not be created, and undoing it failed"
          : PublicErrors.UNEXPECTED;
      log.error("Workflow run {} ended {}; its execution and the log above tell why",
          result.transactionId(), result.status());
    }
    ObjectNode json = Json.error(message);
    json.put("transaction_id", result.transactionId());
    return new Response(status, json);
  }

  private Response listOrders() {
    return ok("orders", Json.orders(suppliers.listOrders()));
  }

  private Response getOrder(String orderId) {
    return suppliers.findOrder(orderId)
        .map(order -> ok("order", Json.order(order)))
        .orElseGet(() -> new Response(404, Json.error("restock order not found")));
  }

  private Response getExecution(String transactionId) {
    return executions.find(transactionId)
        .map(execution -> ok("workflow_execution", Json.execution(execution)))
        .orElseGet(() -> new Response(404, Json.error("workflow execution not found")));
  }

  /** 200 with {@code {"<field>": value}}. */
  private static Response ok(String field, JsonNode value) {
    ObjectNode json = Json.object();
    json.set(field, value);
    return new Response(200, json);
  }

  // ------------------------------------------------------------------ plumbing

  private static Response invalid(String error, JsonNode issues) {
    ObjectNode json = Json.error(error);
    json.set("issues", issues);
    return new Response(400, json);
  }

  private static Response methodNotAllowed(Context ctx, String allowed) {
    ctx.header("Allow", allowed);
    return new Response(405, Json.error("method " + ctx.req().getMethod() + " is not allowed here"));
  }

  /**
   * The id that ends {@code path} after {@code prefix}, or null if {@code path} is not
   * {@code prefix} and one more non-empty segment.
   */
  private static String idAfter(String prefix, String path) {
    if (!path.startsWith(prefix)) {
      return null;
    }
    String id = path.substring(prefix.length());
    return id.isEmpty() || id.contains("/") ? null : id;
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

  private static void send(Context ctx, Response response) {
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
