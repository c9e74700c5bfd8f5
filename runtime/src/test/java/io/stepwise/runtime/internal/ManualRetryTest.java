package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.ManualStepFailureException;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A step with {@code autoRetry = false} ({@link StepSpec#autoRetry()}) of a run kept in memory: after
 * a failed attempt it waits for the application, which retries it or fails it through the runner's
 * registry ({@link RunRegistry#retryStep}, {@link RunRegistry#failStep}); a cancel and the workflow's
 * deadline end the wait too. Each test runs the synchronous path (plain steps) and the asynchronous
 * one (a step that returns a stage). Recorded waits of an engine's runs are in {@link RecordedWaitTest}.
 */
class ManualRetryTest {
  static final StepSpec CHARGE = StepSpec.builder("charge").maxRetries(2).autoRetry(false).build();
  static final String WAITING = "waiting:charge@1:charge failed on attempt 1";
  /** The workflow's timeout where a test waits for it: long enough to reach the wait on a loaded machine. */
  static final long DEADLINE_MILLIS = 1_000;

  final Payment payment = new Payment();
  final List<String> events = payment.events;
  /** How many attempts of 'charge' fail. */
  int failures = 1;

  /** A runner without an engine: its runs wait in memory. */
  Payment.Runner runner(boolean async, long timeoutMillis) {
    payment.failures.put("charge", failures);
    return payment.new Runner(null, async, CHARGE, timeoutMillis, null);
  }

  void awaitWait() throws InterruptedException {
    payment.awaitWait();
  }

  /** Starts run t-1, and waits until 'charge' waits after its first attempt. */
  CompletableFuture<WorkflowResult<String>> startUntilWaiting(Payment.Runner runner) throws InterruptedException {
    CompletableFuture<WorkflowResult<String>> run = runner.start("t-1");
    awaitWait();
    return run;
  }

  /**
   * The run ended REVERTED, failed at 'charge' after the one attempt it waited after; 'reserve' was
   * compensated, and the wait is over: returns the step's error.
   */
  StepError revertedAfterTheWait(Payment.Runner runner, CompletableFuture<WorkflowResult<String>> run) throws Exception {
    WorkflowResult<String> result = result(run);
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("charge", error.step());
    assertEquals(1, error.attempts());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "undo-reserve(o>reserve)@1"), events);
    assertFalse(runner.runs.retryStep("t-1", "charge"), "the wait has ended");
    return error;
  }

  static WorkflowResult<String> result(CompletableFuture<WorkflowResult<String>> run) throws Exception {
    return run.get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFailedAttemptWaitsUntilTheApplicationRetriesTheStepAndTheRunEndsDone(boolean async) throws Exception {
    Payment.Runner runner = runner(async, 0);

    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);

    assertFalse(run.isDone(), "the run waits for the application");
    assertEquals(List.of("reserve@1", "charge@1", WAITING), events);
    assertFalse(runner.runs.retryStep("t-1", "ship"), "the run does not wait at 'ship'");
    assertFalse(runner.runs.retryStep("t-2", "charge"), "no run t-2");
    assertFalse(new RunRegistry().retryStep("t-1", "charge"), "another runner's registry does not hold the run");
    assertTrue(runner.runs.retryStep("t-1", "charge"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("o>reserve>charge>ship", result.result());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "charge@2", "ship@1"), events);
    assertFalse(runner.runs.retryStep("t-1", "charge"), "the wait has ended");
    assertFalse(runner.runs.failStep("t-1", "charge"), "the wait has ended");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void eachFailedAttemptButTheLastWaitsAndTheLastFailsTheStepForGood(boolean async) throws Exception {
    failures = 3;
    Payment.Runner runner = runner(async, 0);

    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);
    assertTrue(runner.runs.retryStep("t-1", "charge"));
    awaitWait();
    assertTrue(runner.runs.retryStep("t-1", "charge"));
    WorkflowResult<String> result = result(run);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    StepError error = result.errors().get(0);
    assertEquals("charge", error.step());
    assertEquals(3, error.attempts());
    assertEquals("charge failed on attempt 3", error.cause().getMessage());
    assertEquals(List.of("reserve@1", "charge@1", WAITING, "charge@2", "waiting:charge@2:charge failed on attempt 2", "charge@3", "undo-reserve(o>reserve)@1"), events);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void failingTheWaitingStepFailsItForGoodAndTheRunCompensates(boolean async) throws Exception {
    Payment.Runner runner = runner(async, 0);
    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);

    assertFalse(runner.runs.failStep("t-1", "reserve"), "the run does not wait at 'reserve'");
    assertTrue(runner.runs.failStep("t-1", "charge"));

    StepError error = revertedAfterTheWait(runner, run);
    ManualStepFailureException failed = assertInstanceOf(ManualStepFailureException.class, error.cause());
    assertEquals("step 'charge' of workflow 'payment' (transaction t-1) was failed by the application after attempt 1 "
        + "of 3 failed with java.lang.IllegalStateException: charge failed on attempt 1", failed.getMessage());
    assertEquals("charge failed on attempt 1", failed.getCause().getMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aCancelEndsTheWaitWithoutAnotherAttemptAndTheRunCompensates(boolean async) throws Exception {
    Payment.Runner runner = runner(async, 0);
    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);

    assertTrue(runner.runs.cancel("t-1"));

    assertInstanceOf(WorkflowCancelledException.class, revertedAfterTheWait(runner, run).cause());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void theWorkflowsDeadlineEndsTheWaitAndTheRunCompensates(boolean async) throws Exception {
    Payment.Runner runner = runner(async, DEADLINE_MILLIS);
    long start = System.nanoTime();
    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);

    StepError error = revertedAfterTheWait(runner, run);

    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS), "not before the deadline");
    assertEquals("charge failed on attempt 1", error.cause().getMessage(), "the attempt's error, as after a retry pause");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRetryBeforeTheDeadlineGoesOnAndTheDeadlineNoLongerEndsAnything(boolean async) throws Exception {
    Payment.Runner runner = runner(async, 10_000);

    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);
    assertTrue(runner.runs.retryStep("t-1", "charge"));

    assertEquals(WorkflowStatus.DONE, result(run).status());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void ofARetryAndAFailOnlyTheFirstEndsTheWait(boolean async) throws Exception {
    Payment.Runner runner = runner(async, 0);

    CompletableFuture<WorkflowResult<String>> run = startUntilWaiting(runner);
    assertTrue(runner.runs.failStep("t-1", "charge"));
    assertFalse(runner.runs.retryStep("t-1", "charge"), "the fail came first");

    WorkflowResult<String> result = result(run);
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertSame(ManualStepFailureException.class, result.errors().get(0).cause().getClass());
  }
}
