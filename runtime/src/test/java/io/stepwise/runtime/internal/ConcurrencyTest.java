package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.InventoryWorkflow;
import io.stepwise.runtime.fixtures.InventoryWorkflow.ChargeDeclined;
import io.stepwise.runtime.fixtures.InventoryWorkflow.Confirmation;
import io.stepwise.runtime.fixtures.InventoryWorkflow.Input;
import io.stepwise.runtime.fixtures.InventoryWorkflow.Outcome;
import io.stepwise.runtime.fixtures.InventoryWorkflowRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

/**
 * SPEC.md: "The workflow instance is shared by all runs: per-run state lives in inputs and outputs
 * only." STYLE.md §8: one runner serves many concurrent runs. One runner, 8 threads x 500 runs, four
 * kinds of ending; every run's result, compensations, context and MDC must be its own.
 */
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int RUNS_PER_THREAD = 500;

  /** One finished run, as the calling thread saw it. */
  record Finished(Input input, String givenTransactionId, WorkflowResult<?> result, WorkflowFailedException thrown,
      boolean mdcClean) {}

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void oneRunnerServesManyThreadsWithoutCrossTalk() throws Exception {
    InventoryWorkflow.Db db = new InventoryWorkflow.Db();
    InventoryWorkflowRunner runner = new InventoryWorkflowRunner(new InventoryWorkflow(db));
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Finished>>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          List<Finished> finished = new ArrayList<>(RUNS_PER_THREAD);
          for (int i = 0; i < RUNS_PER_THREAD; i++) {
            finished.add(runOnce(runner, thread, i));
          }
          return finished;
        }));
      }
      start.countDown();
      List<Finished> all = new ArrayList<>();
      for (Future<List<Finished>> future : futures) {
        try {
          all.addAll(future.get(50, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          throw new AssertionError("a run threw unexpectedly", e.getCause());
        }
      }
      assertEquals(THREADS * RUNS_PER_THREAD, all.size());
      verify(all, db);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Finished runOnce(InventoryWorkflowRunner runner, int thread, int i) {
    Outcome outcome = Outcome.values()[(i + thread) % Outcome.values().length];
    Input input = new Input("t" + thread + "-r" + i, 1 + (i % 3), outcome);
    // half the runs name their transaction, half get a fresh one; half throw, half return
    String givenId = i % 2 == 0 ? "tx-" + input.key() : null;
    boolean throwOnError = (i / 2) % 2 == 0;
    RunOptions.Builder options = RunOptions.builder().throwOnError(throwOnError);
    if (givenId != null) {
      options.transactionId(givenId);
    }
    WorkflowResult<?> result = null;
    WorkflowFailedException thrown = null;
    try {
      result = runner.run(input, options.build());
    } catch (WorkflowFailedException e) {
      thrown = e;
      result = e.result();
    }
    boolean mdcClean = MDC.get(WorkflowRun.MDC_TRANSACTION_ID) == null && MDC.get(WorkflowRun.MDC_WORKFLOW) == null
        && MDC.get(WorkflowRun.MDC_STEP) == null;
    return new Finished(input, givenId, result, thrown, mdcClean);
  }

  private static void verify(List<Finished> all, InventoryWorkflow.Db db) {
    Set<String> transactionIds = new HashSet<>();
    Map<Outcome, Integer> counts = new HashMap<>();
    Set<String> expectedOrders = new HashSet<>();
    Set<String> expectedItems = new HashSet<>();
    Set<String> expectedReservations = new HashSet<>();
    Set<String> expectedCharges = new HashSet<>();

    for (Finished f : all) {
      Input input = f.input();
      WorkflowResult<?> result = f.result();
      String orderId = InventoryWorkflow.orderId(input.key());
      String tx = result.transactionId();
      String what = input + " " + result;
      counts.merge(input.outcome(), 1, Integer::sum);
      assertTrue(transactionIds.add(tx), () -> "transaction id used twice: " + tx);
      if (f.givenTransactionId() != null) {
        assertEquals(f.givenTransactionId(), tx, what);
      }
      assertTrue(f.mdcClean(), () -> "MDC left behind by " + what);
      assertEquals(InventoryWorkflowRunner.WORKFLOW, result.workflowName());

      List<String> itemIds = new ArrayList<>();
      for (int n = 1; n <= input.quantity(); n++) {
        itemIds.add(orderId + "-item-" + n);
      }
      int q = input.quantity();
      long cents = q * InventoryWorkflow.UNIT_PRICE_CENTS;
      List<String> expectedLog = new ArrayList<>(List.of(
          seen("insert-order", tx, "create-order", 1),
          seen("insert-items " + itemIds, tx, "add-items", 1),
          seen("reserve " + q, tx, "reserve", 1)));

      switch (input.outcome()) {
        case OK -> {
          assertEquals(WorkflowStatus.DONE, result.status(), what);
          assertNull(f.thrown(), what);
          assertEquals(List.of(), result.errors(), what);
          assertEquals(new Confirmation(orderId, itemIds, q, cents), result.result(), what);
          expectedLog.addAll(List.of(seen("charge " + cents, tx, "charge", 1), seen("confirm", tx, "confirm", 1)));
          expectedOrders.add(orderId);
          expectedItems.addAll(itemIds);
          expectedReservations.add(orderId);
          expectedCharges.add(orderId);
        }
        case CHARGE_FAILS -> {
          assertFailed(f, WorkflowStatus.REVERTED, what);
          assertEquals(List.of("charge/INVOKE/3"), describe(result.errors()), what);
          StepError error = result.errors().get(0);
          assertEquals("card declined for " + orderId + " on attempt 3",
              assertInstanceOf(ChargeDeclined.class, error.cause()).getMessage(), what);
          expectedLog.addAll(List.of(
              seen("charge-declined", tx, "charge", 1),
              seen("charge-declined", tx, "charge", 2),
              seen("charge-declined", tx, "charge", 3),
              seen("release " + q, tx, "reserve", 1),
              seen("delete-items " + itemIds, tx, "add-items", 1),
              seen("delete-order", tx, "create-order", 1)));
        }
        case CHARGE_PERMANENT_WITH_INPUT -> {
          assertFailed(f, WorkflowStatus.REVERTED, what);
          assertEquals(List.of("charge/INVOKE/1"), describe(result.errors()), what);
          assertEquals("card expired for " + orderId,
              assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause()).getMessage(), what);
          expectedLog.addAll(List.of(
              seen("charge-partial " + InventoryWorkflow.UNIT_PRICE_CENTS, tx, "charge", 1),
              seen("refund " + InventoryWorkflow.UNIT_PRICE_CENTS, tx, "charge", 1),
              seen("release " + q, tx, "reserve", 1),
              seen("delete-items " + itemIds, tx, "add-items", 1),
              seen("delete-order", tx, "create-order", 1)));
        }
        case CHARGE_AND_RELEASE_FAIL -> {
          assertFailed(f, WorkflowStatus.FAILED, what);
          assertEquals(List.of("charge/INVOKE/3", "reserve/COMPENSATE/1"), describe(result.errors()), what);
          assertEquals("release of " + orderId + " failed", result.errors().get(1).cause().getMessage(), what);
          if (f.thrown() != null) {
            assertEquals(1, f.thrown().getSuppressed().length, what);
          }
          expectedLog.addAll(List.of(
              seen("charge-declined", tx, "charge", 1),
              seen("charge-declined", tx, "charge", 2),
              seen("charge-declined", tx, "charge", 3),
              seen("release-failed", tx, "reserve", 1),
              seen("delete-items " + itemIds, tx, "add-items", 1),
              seen("delete-order", tx, "create-order", 1)));
          expectedReservations.add(orderId); // its release failed: not undone, and reported
        }
        default -> throw new AssertionError(input.outcome());
      }
      assertEquals(expectedLog, db.log(orderId), what);
    }

    assertEquals(THREADS * RUNS_PER_THREAD, transactionIds.size());
    for (Outcome outcome : Outcome.values()) {
      assertEquals(THREADS * RUNS_PER_THREAD / Outcome.values().length, counts.get(outcome), outcome.name());
    }
    assertEquals(expectedOrders, db.orders.keySet());
    assertEquals(expectedItems, db.items.keySet());
    assertEquals(expectedReservations, db.reservations.keySet());
    assertEquals(expectedCharges, db.charges.keySet());
  }

  private static void assertFailed(Finished f, WorkflowStatus status, String what) {
    assertEquals(status, f.result().status(), what);
    assertNull(f.result().result(), what);
    if (f.thrown() != null) {
      assertTrue(f.thrown().getCause() == f.result().errors().get(0).cause(), what);
    }
  }

  /** What {@link InventoryWorkflow.Db} logs: the event, the context's and the MDC's transaction, the MDC's and the context's step. */
  private static String seen(String event, String tx, String step, int attempt) {
    return event + " [" + tx + "|" + tx + "|" + step + "|" + step + "|" + attempt + "]";
  }

  private static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }
}
