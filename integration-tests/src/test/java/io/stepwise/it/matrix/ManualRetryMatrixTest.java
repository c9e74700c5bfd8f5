package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stepwise.it.matrix.ManualRetryWorkflows.Manual;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Manual retries on both paths ({@link ManualRetryWorkflows}), as Medusa's {@code autoRetry: false}
 * means them: a failed attempt of the step leaves the run waiting until the application calls the
 * generated {@code retryCharge(transactionId)} (the next attempt, counting against maxRetries) or
 * {@code failCharge(transactionId)} (the step fails for good and the run compensates). A cancel ends
 * the wait and compensates; the last attempt's failure waits for nothing.
 */
class ManualRetryMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void withoutFailuresNothingWaits(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<String> result = ManualRetryWorkflows.manual(path).runner().run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("shipped charge-1", result.result());
    assertEquals(List.of("order#1", "charge#1", "ship#1"), p.calls());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailedAttemptWaitsUntilTheApplicationRetriesItAndTheRunEndsDone(Path path) throws Exception {
    Probe p = new Probe(path).fail("charge", 1);
    Manual manual = ManualRetryWorkflows.manual(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilWaiting(manual, p);
    Thread.sleep(50); // nothing goes on by itself
    assertFalse(run.isDone());
    assertEquals(List.of("order#1", "charge#1"), p.calls());
    assertFalse(manual.failCharge().test("m-unknown"), "no run has that id");

    assertTrue(manual.retryCharge().test(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("shipped charge-2", result.result(), "the attempt number goes on");
    assertEquals(List.of("order#1", "charge#1", "charge#2", "ship#1"), p.calls());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("run-begin manual", "step order#1", "ok order#1", "step charge#1",
        "waiting charge#1 IllegalStateException", "step charge#2", "ok charge#2", "step ship#1", "ok ship#1",
        "finish manual DONE"), p.events.lines());
    assertFalse(manual.retryCharge().test(p.id), "the run is over");
    assertFalse(manual.failCharge().test(p.id), "the run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aSynchronousRunCallBlocksItsCallerUntilTheRetry(Path path) throws Exception {
    Probe p = new Probe(path).fail("charge", 1);
    Manual manual = ManualRetryWorkflows.manual(path);
    AtomicReference<WorkflowResult<String>> result = new AtomicReference<>();
    Thread caller = new Thread(() -> result.set(manual.runner().run(p)));
    caller.start();

    assertTrue(p.events.await("waiting charge#1 IllegalStateException"), p.events.lines().toString());
    caller.join(50);
    assertTrue(caller.isAlive(), "run(...) returns the run's result, so it waits");
    assertTrue(manual.retryCharge().test(p.id));
    caller.join(5_000);

    assertFalse(caller.isAlive());
    assertEquals(WorkflowStatus.DONE, result.get().status(), result.get().toString());
    assertEquals("shipped charge-2", result.get().result());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theLastAttemptFailsTheStepForGoodWithoutAWait(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge");
    Manual manual = ManualRetryWorkflows.manual(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilWaiting(manual, p);
    assertTrue(manual.retryCharge().test(p.id));
    assertTrue(p.events.await("waiting charge#2 IllegalStateException"));
    assertTrue(manual.retryCharge().test(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("charge INVOKE 3 IllegalStateException: charge failed on attempt 3"), errors(result));
    assertEquals(List.of("order#1", "charge#1", "charge#2", "charge#3"), p.calls());
    assertEquals(List.of("order order"), p.undone());
    assertEquals(List.of("step charge#3", "failed charge#3 IllegalStateException", "compensate manual",
        "undone order#1", "finish manual REVERTED"), lastLines(p, 5));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void failingTheWaitingStepFailsItForGoodAndTheRunCompensates(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge");
    Manual manual = ManualRetryWorkflows.manual(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilWaiting(manual, p);
    assertTrue(manual.failCharge().test(p.id));
    assertFalse(manual.retryCharge().test(p.id), "the wait is over");
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("charge INVOKE 1 ManualStepFailureException: step 'charge' of workflow '"
        + path.workflow("manual") + "' (transaction " + p.id + ") was failed by the application after attempt 1"
        + " of 3 failed with java.lang.IllegalStateException: charge failed on attempt 1"), errors(result));
    assertEquals("charge failed on attempt 1", result.errors().get(0).cause().getCause().getMessage());
    assertEquals(List.of("order#1", "charge#1"), p.calls());
    assertEquals(List.of("order order"), p.undone());
    assertEquals(List.of("waiting charge#1 IllegalStateException", "failed charge#1 ManualStepFailureException",
        "compensate manual", "undone order#1", "finish manual REVERTED"), lastLines(p, 5));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelEndsTheWaitAndCompensates(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge");
    Manual manual = ManualRetryWorkflows.manual(path);
    CompletableFuture<WorkflowResult<String>> run = runUntilWaiting(manual, p);
    assertTrue(manual.runner().cancel(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(1, result.errors().size(), result.errors().toString());
    assertEquals("WorkflowCancelledException", result.errors().get(0).cause().getClass().getSimpleName());
    assertEquals(List.of("order#1", "charge#1"), p.calls());
    assertEquals(List.of("order order"), p.undone());
    assertFalse(manual.retryCharge().test(p.id), "the run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theWorkflowsTimeoutEndsTheWaitAndCompensates(Path path) throws Exception {
    Probe p = new Probe(path).failAlways("charge");
    Manual manual = ManualRetryWorkflows.timed(path);
    long start = System.nanoTime();
    WorkflowResult<String> result = manual.runner().runAsync(p, p.options().build()).get(5, TimeUnit.SECONDS);

    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "not before the deadline");
    assertEquals(WorkflowStatus.REVERTED, result.status(), result.toString());
    assertEquals(List.of("charge INVOKE 1 IllegalStateException: charge failed on attempt 1"), errors(result));
    assertEquals(List.of("order#1", "charge#1"), p.calls());
    assertEquals(List.of("order order"), p.undone());
    assertTrue(p.events.lines().contains("waiting charge#1 IllegalStateException"), p.events.lines().toString());
    assertFalse(manual.retryCharge().test(p.id), "the run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aWaitingAsynchronousRunHoldsNoThread(Path path) throws Exception {
    assumeTrue(path.async(), "a synchronous workflow's steps are plain calls on the run's thread");
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      Manual manual = ManualRetryWorkflows.manual(path);
      Probe first = new Probe(path).fail("charge", 1);
      Probe second = new Probe(path).fail("charge", 1);
      CompletableFuture<WorkflowResult<String>> a = manual.runner().runAsync(first,
          first.options().executor(one).build());
      CompletableFuture<WorkflowResult<String>> b = manual.runner().runAsync(second,
          second.options().executor(one).build());

      // both wait at once on an executor of one thread
      assertTrue(first.events.await("waiting charge#1 IllegalStateException"));
      assertTrue(second.events.await("waiting charge#1 IllegalStateException"));
      assertTrue(manual.retryCharge().test(second.id));
      assertEquals(WorkflowStatus.DONE, b.get(5, TimeUnit.SECONDS).status());
      assertFalse(a.isDone());
      assertTrue(manual.retryCharge().test(first.id));
      assertEquals(WorkflowStatus.DONE, a.get(5, TimeUnit.SECONDS).status());
    } finally {
      one.shutdownNow();
    }
  }

  /** Starts a run with {@code runAsync}, and waits until it waits at charge after its first attempt. */
  private static CompletableFuture<WorkflowResult<String>> runUntilWaiting(Manual manual, Probe p)
      throws InterruptedException {
    CompletableFuture<WorkflowResult<String>> run = manual.runner().runAsync(p, p.options().build());
    assertTrue(p.events.await("waiting charge#1 IllegalStateException"), p.events.lines().toString());
    return run;
  }

  private static List<String> lastLines(Probe p, int n) {
    List<String> lines = p.events.lines();
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }
}
