package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.stepwise.runtime.Container;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepTimeoutException;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Steps that return a {@code CompletionStage}, through generated runners, against a real HTTP
 * server (the JDK's) called with the JDK's non-blocking HTTP client.
 */
class AsyncStepsOverHttpTest {
  private HttpServer server;
  private ExecutorService serverThreads;
  private ExecutorService runThreads;
  private PayAndShipWorkflowRunner runner;
  /** While set, the server holds each /charge request until it opens. */
  private volatile CountDownLatch chargeGate;
  private final AtomicInteger chargeArrivals = new AtomicInteger();
  private volatile long bookDelayMillis;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/charge", exchange -> answer(exchange, "http:charge", body -> {
      chargeArrivals.incrementAndGet();
      CountDownLatch gate = chargeGate;
      if (gate != null) {
        gate.await();
      }
      return "pay-" + body;
    }));
    server.createContext("/notify", exchange -> answer(exchange, "http:notify", body -> "ok"));
    server.createContext("/book", exchange -> answer(exchange, "http:book", body -> {
      Thread.sleep(bookDelayMillis);
      return "booking-" + body;
    }));
    serverThreads = Executors.newCachedThreadPool();
    server.setExecutor(serverThreads);
    server.start();
    AtomicInteger count = new AtomicInteger();
    runThreads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "run-exec-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    runner = PayAndShipWorkflowRunner.create(Container.of(new RemoteApi(base)));
  }

  @AfterEach
  void stop() {
    CountDownLatch gate = chargeGate;
    if (gate != null) {
      gate.countDown();
    }
    server.stop(0);
    serverThreads.shutdownNow();
    runThreads.shutdownNow();
  }

  private interface Handler {
    String answer(String body) throws Exception;
  }

  /** Answers 200 with what the handler returns, or 503 when the run's script says this call fails. */
  private static void answer(HttpExchange exchange, String call, Handler handler) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String id = body.contains("/") ? body.substring(0, body.indexOf('/')) : body;
    int status = 200;
    String answer;
    try {
      Script script = Script.byId(id);
      if (script != null) {
        script.call(call);
      }
      answer = handler.answer(body);
    } catch (Exception e) {
      status = 503;
      answer = e.getMessage();
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static Script script() {
    return new Script("tx-" + UUID.randomUUID());
  }

  private RunOptions options(Script script) {
    return RunOptions.builder().transactionId(script.id).throwOnError(false).executor(runThreads).build();
  }

  private static List<String> undo(Script script) {
    return script.journal().stream().filter(s -> s.startsWith("undo:")).toList();
  }

  @Test
  void stepsAwaitTheHttpClientsFuturesAndGoOnOnTheRunsExecutor() throws Exception {
    Script script = script();
    WorkflowResult<String> result = runner.runAsync(script, options(script)).get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
    assertEquals("confirmed pay-" + script.id + " booking-" + script.id + "/book", result.result());
    assertTrue(script.journal().contains("notified pay-" + script.id), script.journal().toString());
    // after the HTTP answers, the run went on on its own executor, not on the HTTP client's threads
    String confirm = script.journal().stream().filter(s -> s.startsWith("confirm on ")).findFirst().orElseThrow();
    assertTrue(confirm.startsWith("confirm on run-exec-"), confirm);
  }

  /**
   * The proof that no thread waits for a step: a hundred runs on ONE executor thread are all waiting
   * for their charge at once, and the thread is free meanwhile.
   */
  @Test
  void aHundredRunsWaitForTheirChargeAtOnceOnOneThread() throws Exception {
    chargeGate = new CountDownLatch(1);
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    try {
      List<Script> scripts = new ArrayList<>();
      List<CompletableFuture<WorkflowResult<String>>> runs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Script script = script();
        scripts.add(script);
        runs.add(runner.runAsync(script, RunOptions.builder().transactionId(script.id).throwOnError(false)
            .executor(oneThread).build()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (chargeArrivals.get() < 100 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(100, chargeArrivals.get(), "all hundred charges are in flight at the same time");
      assertTrue(runs.stream().noneMatch(CompletableFuture::isDone));
      // the one thread is idle: a task submitted now runs at once
      assertEquals("free", oneThread.submit(() -> "free").get(5, TimeUnit.SECONDS));

      chargeGate.countDown();
      for (int i = 0; i < runs.size(); i++) {
        WorkflowResult<String> result = runs.get(i).get(20, TimeUnit.SECONDS);
        assertEquals(WorkflowStatus.DONE, result.status(), () -> result.errors().toString());
        assertEquals("confirmed pay-" + scripts.get(i).id + " booking-" + scripts.get(i).id + "/book", result.result());
      }
    } finally {
      oneThread.shutdownNow();
    }
  }

  @Test
  void anHttpErrorIsRetriedThenTheCompletedStepsAreCompensated() throws Exception {
    Script script = script().failAlways("http:charge");
    WorkflowResult<String> result = runner.runAsync(script, options(script)).get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(3, script.calls("http:charge"), "the first call and two retries");
    assertEquals("charge", result.errors().get(0).step());
    assertEquals(3, result.errors().get(0).attempts());
    IllegalStateException cause = assertInstanceOf(IllegalStateException.class, result.errors().get(0).cause());
    assertTrue(cause.getMessage().contains("answered 503"), cause.getMessage());
    assertEquals(List.of("undo:reserve res-" + script.id), undo(script));
  }

  /**
   * The parent's step stops waiting for its child after 2 s; the carrier answers after 3 s, so the
   * child's last (and only) step completes when nobody takes its result any more: the child then
   * compensates itself, and the parent has compensated its own completed steps.
   */
  @Test
  void aCarrierThatAnswersAfterTheParentStepsTimeoutIsUndoneByTheChildItself() throws Exception {
    bookDelayMillis = 3_000;
    Script script = script();
    WorkflowResult<String> result = runner.runAsync(script, options(script)).get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("book", result.errors().get(0).step());
    assertInstanceOf(StepTimeoutException.class, result.errors().get(0).cause());
    assertEquals(List.of("undo:charge pay-" + script.id, "undo:reserve res-" + script.id), undo(script));

    String childUndo = "undo:book-carrier booking-" + script.id + "/book";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!script.journal().contains(childUndo) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of("undo:charge pay-" + script.id, "undo:reserve res-" + script.id, childUndo), undo(script));
  }

  @Test
  void aLaterFailureCompensatesTheAsynchronousChildAsAUnitThenTheEarlierSteps() throws Exception {
    Script script = script().failAlways("confirm");
    WorkflowResult<String> result = runner.runAsync(script, options(script)).get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("undo:book-carrier booking-" + script.id + "/book", "undo:charge pay-" + script.id,
        "undo:reserve res-" + script.id), undo(script));
  }

  @Test
  void theSynchronousRunWaitsAndThrowsLikeAnyRunner() {
    Script script = script().failAlways("http:charge");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(script, RunOptions.builder().transactionId(script.id).build()));
    assertEquals(WorkflowStatus.REVERTED, e.result().status());
    assertInstanceOf(IllegalStateException.class, e.getCause());

    Script fine = script();
    assertEquals("confirmed pay-" + fine.id + " booking-" + fine.id + "/book",
        runner.run(fine, RunOptions.builder().transactionId(fine.id).build()).result());
  }

  @Test
  void aCancelWhileAStepWaitsStopsAfterItAndCompensates() throws Exception {
    chargeGate = new CountDownLatch(1);
    Script script = script();
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync(script, options(script));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (chargeArrivals.get() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(runner.cancel(script.id));
    chargeGate.countDown();
    WorkflowResult<String> result = run.get(10, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertInstanceOf(WorkflowCancelledException.class, result.errors().get(0).cause());
    assertFalse(script.journal().stream().anyMatch(s -> s.startsWith("notified")), script.journal().toString());
    assertEquals(List.of("undo:charge pay-" + script.id, "undo:reserve res-" + script.id), undo(script));
    assertFalse(runner.cancel(script.id), "the run is over");
  }
}
