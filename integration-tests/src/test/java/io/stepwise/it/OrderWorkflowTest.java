package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generated OrderWorkflowRunner, run for real: every semantic rule of SPEC.md end to end. */
class OrderWorkflowTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final OrderWorkflowRunner runner = OrderWorkflowRunner.create(Container.of((Pricing) () -> 300));

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static Script script() {
    return new Script("tx-" + UUID.randomUUID());
  }

  @Test
  void runsEveryStepInOrderAndReturnsTheResultStepsOutput() {
    Script script = script();
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(600L, result.result());
    assertEquals(script.id, result.transactionId());
    assertEquals("order", result.workflowName());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("reserve attempt 1", "reserve", "price", "condition 600", "charge",
        "charge 600 unapproved", "ship", "notify"), script.journal());
  }

  @Test
  void conditionalStepRunsWhenItsConditionHoldsAndItsOutputArrivesAsOptional() {
    OrderWorkflowRunner expensive = new OrderWorkflowRunner(new OrderWorkflow(() -> 700));
    Script script = script();
    WorkflowResult<Long> result = expensive.run(script, script.options());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertTrue(script.journal().contains("approve"));
    assertTrue(script.journal().contains("charge 1400 approved 1400"), script.journal().toString());
  }

  @Test
  void failureCompensatesCompletedStepsInReverseOrderWithTheirOwnInputs() {
    OrderWorkflowRunner expensive = new OrderWorkflowRunner(new OrderWorkflow(() -> 700));
    Script script = script().failAlways("ship");
    WorkflowResult<Long> result = expensive.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    List<String> undo = script.journal().stream().filter(s -> s.startsWith("undo:")).toList();
    assertEquals(List.of("undo:charge payment-1400", "undo:approve approved 1400", "undo:price 1400",
        "undo:reserve reservation-" + script.id), undo);
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("ship", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals("ship failed (call 1) in " + script.id, error.cause().getMessage());
    assertEquals(0, script.calls("notify"), "no step runs after the failed one");
  }

  @Test
  void skippedStepIsNotCompensated() {
    Script script = script().failAlways("ship");
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(0, script.calls("approve"));
    assertTrue(script.journal().stream().noneMatch(s -> s.startsWith("undo:approve")), script.journal().toString());
  }

  @Test
  void checkedExceptionOfAStepIsTheCauseOfWorkflowFailedException() {
    OrderWorkflowRunner refunding = new OrderWorkflowRunner(new OrderWorkflow(() -> -1));
    Script script = script();
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> refunding.run(script, RunOptions.builder().transactionId(script.id).build()));

    assertEquals("negative charge", failed.getCause().getMessage());
    assertEquals(Exception.class, failed.getCause().getClass());
    assertEquals(WorkflowStatus.REVERTED, failed.result().status());
    assertSame(failed.getCause(), failed.result().errors().get(0).cause());
    assertTrue(failed.getMessage().contains("'order'") && failed.getMessage().contains("'ship'"), failed.getMessage());
  }

  @Test
  void retriesAStepUpToMaxRetriesAndSeesTheAttemptNumber() {
    Script script = script().fail("reserve", 2);
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(3, script.calls("reserve"));
    assertTrue(script.journal().containsAll(List.of("reserve attempt 1", "reserve attempt 2", "reserve attempt 3")));
  }

  @Test
  void stepThatFailsMoreOftenThanItsRetriesFailsTheRunWithItsAttemptCount() {
    Script script = script().fail("charge", 2);
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(2, script.calls("charge"));
    assertEquals(2, result.errors().get(0).attempts());
    assertEquals(List.of("undo:price 600", "undo:reserve reservation-" + script.id),
        script.journal().stream().filter(s -> s.startsWith("undo:")).toList());
  }

  @Test
  void permanentFailureWithCompensationInputCompensatesTheFailingStepFirst() {
    Script script = script();
    script.call("partial");
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, script.calls("notify"), "permanent failures are not retried");
    assertEquals(List.of("undo:notify draft-" + script.id, "undo:ship", "undo:charge payment-600", "undo:price 600",
        "undo:reserve reservation-" + script.id), script.journal().stream().filter(s -> s.startsWith("undo:")).toList());
    assertInstanceOf(PermanentStepFailureException.class, result.errors().get(0).cause());
    assertEquals("mail server refused", result.errors().get(0).cause().getMessage());
  }

  @Test
  void permanentFailureWithoutInputDoesNotCompensateTheFailingStep() {
    Script script = script();
    script.call("permanent");
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("undo:ship", "undo:charge payment-600", "undo:price 600",
        "undo:reserve reservation-" + script.id), script.journal().stream().filter(s -> s.startsWith("undo:")).toList());
  }

  @Test
  void failingCompensationIsRetriedRecordedAndTheOthersStillRun() {
    Script script = script().failAlways("ship").failAlways("undo:charge payment-600");
    WorkflowResult<Long> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(2, script.calls("undo:charge payment-600"), "charge has maxRetries = 1");
    assertEquals(1, script.calls("undo:reserve reservation-" + script.id));
    assertEquals(1, script.calls("undo:price 600"));
    assertEquals(2, result.errors().size());
    assertEquals("charge", result.errors().get(1).step());
    assertEquals(StepPhase.COMPENSATE, result.errors().get(1).phase());
    assertEquals(2, result.errors().get(1).attempts());
  }

  @Test
  void compensationFailuresAreSuppressedExceptionsOfWorkflowFailedException() {
    Script script = script().failAlways("ship").failAlways("undo:price 600");
    WorkflowFailedException failed = assertThrows(WorkflowFailedException.class,
        () -> runner.run(script, RunOptions.builder().transactionId(script.id).build()));

    assertEquals(WorkflowStatus.FAILED, failed.result().status());
    assertEquals(1, failed.getSuppressed().length);
    assertEquals("undo:price 600 failed (call 1) in " + script.id, failed.getSuppressed()[0].getMessage());
  }

  @Test
  void eachRunWithoutATransactionIdGetsAFreshOne() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(runner.run(new Script("unused-" + i)).transactionId());
    }
    assertEquals(1000, ids.size());
  }

  @Test
  void oneRunnerServesManyConcurrentRunsWithoutCrossTalk() throws Exception {
    List<Future<String>> futures = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      int n = i;
      futures.add(pool.submit(() -> {
        Script script = script();
        if (n % 3 == 0) {
          script.failAlways("ship");
        }
        WorkflowResult<Long> result = runner.run(script, script.options());
        WorkflowStatus expected = n % 3 == 0 ? WorkflowStatus.REVERTED : WorkflowStatus.DONE;
        if (result.status() != expected || !result.transactionId().equals(script.id)) {
          return "run " + n + ": " + result;
        }
        long undone = script.journal().stream().filter(s -> s.startsWith("undo:")).count();
        if (undone != (n % 3 == 0 ? 3 : 0) || script.calls("undo:reserve reservation-" + script.id) != (n % 3 == 0 ? 1 : 0)) {
          return "run " + n + " compensated wrongly: " + script.journal();
        }
        return null;
      }));
    }
    List<String> problems = new ArrayList<>();
    for (Future<String> future : futures) {
      String problem = future.get();
      if (problem != null) {
        problems.add(problem);
      }
    }
    assertEquals(List.of(), problems);
  }
}
