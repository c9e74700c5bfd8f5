package io.stepwise.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.example.Database;
import io.stepwise.example.TestDatabases;
import io.stepwise.example.JdbcSupplierService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests that Jetty refuses itself, before any handler, sent over a raw socket (the JDK's
 * HttpClient refuses to send them): each is still answered with a JSON error that names no class,
 * shows no stack trace and is no HTML page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestockServerMalformedRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LEAKS = List.of("Exception", "java.", "org.eclipse", "jetty", "Jetty", "<html", "<HTML",
      "\tat ", "io.stepwise", "javalin", "Javalin");

  private Database database;
  private RestockServer server;

  /** A response read from the socket: status line, headers (names in lower case) and body. */
  record RawResponse(int status, Map<String, String> headers, String body) {}

  @BeforeAll
  void start() {
    database = Database.open(TestDatabases.h2());
    server = RestockServer.start(0, new JdbcSupplierService(database.dataSource()), TestDatabases.engine(database));
  }

  @AfterAll
  void stop() {
    server.stop(0);
    database.close();
  }

  static Stream<Arguments> malformedRequests() {
    String big = "a".repeat(20_000);
    return Stream.of(
        Arguments.of("bad percent-encoding in the path", 400,
            "GET /admin/restock-orders/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("percent-encoded NUL in the path", 400,
            "GET /admin/restock-orders/%00 HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("invalid UTF-8 in the path", 400,
            "GET /admin/restock-orders/%C0%AF HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("Content-Length that is no number", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n{}"),
        Arguments.of("Content-Length out of any range", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n{}"),
        Arguments.of("negative Content-Length", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}"),
        Arguments.of("two different Content-Lengths", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"),
        Arguments.of("unsupported Transfer-Encoding", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{}"),
        Arguments.of("unknown Transfer-Encoding", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: bogus\r\n\r\n{}"),
        Arguments.of("malformed chunk size", 400,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"),
        Arguments.of("request line that is no request line", 400, "GARBAGE\r\n\r\n"),
        Arguments.of("unknown HTTP version", 505, "GET /admin/restock-orders HTTP/9.9\r\nHost: x\r\n\r\n"),
        Arguments.of("HTTP/1.1 without Host", 400, "GET /admin/restock-orders HTTP/1.1\r\n\r\n"),
        Arguments.of("header line without a colon", 400,
            "GET /admin/restock-orders HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
        Arguments.of("header too large", 431,
            "GET /admin/restock-orders HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"),
        Arguments.of("URI too long", 414, "GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("CONNECT", 400, "CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("OPTIONS *", 404, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("unsupported Expect", 417,
            "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nExpect: 200-bogus\r\nContent-Length: 2\r\n\r\n{}"),
        Arguments.of("unknown method", 405, "FOO /admin/restock-orders HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("extension method on an order", 405, "PROPFIND /admin/restock-orders/ro_1 HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("TRACE", 405, "TRACE /admin/restock-orders HTTP/1.1\r\nHost: x\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedRequests")
  void answersJsonThatLeaksNothing(String what, int expectedStatus, String request) throws IOException {
    RawResponse response = exchange(request);

    assertEquals(expectedStatus, response.status(), what + ": " + response);
    assertEquals("application/json; charset=utf-8", response.headers().get("content-type"), what + ": " + response);
    for (String leak : LEAKS) {
      assertFalse(response.body().contains(leak), () -> what + ": \"" + leak + "\" in " + response.body());
    }
    JsonNode json = JSON.readTree(response.body());
    assertTrue(json.get("error").isTextual(), what + ": " + response.body());
  }

  @Test
  void namesOnlyTheStatusOfWhatJettyRefuses() throws IOException {
    RawResponse response = exchange("GET /admin/restock-orders/%ZZ HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals("{\"error\":\"bad request\"}", response.body());
    assertEquals(null, response.headers().get("server"), "no Server header naming Jetty");
  }

  @Test
  void refusesAnIdempotencyKeyOutsidePrintableAscii() throws IOException {
    String body = "{\"supplier_id\": \"sup_1\", \"items\": [{\"product_id\": \"prod_1\", \"quantity\": 1, \"unit_cost\": 1}]}";
    // sent as ISO-8859-1 bytes: the UTF-8 of é, and a Latin-1 é; the API refuses them
    for (String key : List.of("caf\u00c3\u00a9", "caf\u00e9")) {
      RawResponse response = exchange(postWithKey(key, body));
      assertEquals(400, response.status(), response.toString());
      assertEquals("invalid Idempotency-Key header", JSON.readTree(response.body()).get("error").textValue(), key);
    }
    // control characters: Jetty refuses the header itself
    for (String key : List.of("a\u0001b", "a\u007fb")) {
      RawResponse response = exchange(postWithKey(key, body));
      assertEquals(400, response.status(), response.toString());
      assertEquals("{\"error\":\"bad request\"}", response.body(), key);
    }
  }

  private static String postWithKey(String key, String body) {
    return "POST /admin/restock-orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Idempotency-Key: " + key + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
  }

  @Test
  void routesByTheRequestMethodNotAnOverrideHeader() throws IOException {
    RawResponse response = exchange(
        "DELETE /admin/restock-orders HTTP/1.1\r\nHost: x\r\nX-HTTP-Method-Override: GET\r\n\r\n");
    assertEquals(405, response.status(), response.toString());
    assertEquals("GET, POST, HEAD", response.headers().get("allow"));
  }

  @Test
  void closesTheConnectionOfAClientThatStopsSendingItsRequest() throws IOException {
    assertEquals(30_000, RestockServer.IDLE_TIMEOUT_MILLIS);
    RestockServer impatient = RestockServer.start(0, new JdbcSupplierService(database.dataSource()),
        TestDatabases.engine(database), 300);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), impatient.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /admin/restock-orders HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      assertEquals(-1, socket.getInputStream().read(), "the server closes the connection without an answer");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 5_000, "closed after " + millis + " ms");
    } finally {
      impatient.stop(0);
    }
  }

  /** Sends {@code request} as is, and reads the response until the body's Content-Length or EOF. */
  private RawResponse exchange(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      String length = headers.get("content-length");
      byte[] body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
      return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed within the response head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }
}
