package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.WorkflowCancelledException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.AsyncOrderWorkflowRunner;
import io.stepwise.runtime.fixtures.AsyncShippingWorkflowRunner;
import io.stepwise.runtime.fixtures.LogCapture;
import io.stepwise.runtime.fixtures.Script;
import io.stepwise.runtime.fixtures.Script.Boom;
import io.stepwise.runtime.fixtures.Stages;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * How an {@link AsyncRun} ends when something goes wrong outside its steps' ordinary failures: a
 * fatal error of the JVM in a later segment, a generated {@code steps} method that throws or fails
 * (never expected), a caller's wait that is interrupted; and where a step retried at once runs.
 */
class AsyncRunEndingsTest extends AsyncRunTestSupport {
  static final WorkflowSpec SPEC = WorkflowSpec.of(1, "broken-steps", StepSpec.of("only", 0));

  /** Attempt 2 of 'charge' throws a StackOverflowError: it runs after attempt 1's stage failed. */
  void chargeOverflowsOnItsSecondAttempt() {
    stages.hold("charge");
    script.onInvoke("charge", ctx -> {
      if (ctx.attempt() == 2) {
        throw new StackOverflowError("deep");
      }
      return null;
    });
  }

  /**
   * Fails the held stage of 'charge' once the run's segment has returned (the executor is idle), so
   * that attempt 2 runs in a segment of its own, where no stage's callback would catch the error.
   */
  void failFirstChargeOnceTheRunWaits() throws Exception {
    Stages.Call first = stages.next("charge");
    executor.drain();
    assertTrue(first.fail(new Boom("declined")));
  }

  @Test
  void aFatalErrorInASegmentOfItsOwnEndsTheRunsFuture() throws Exception {
    chargeOverflowsOnItsSecondAttempt();
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));

    CompletableFuture<WorkflowResult<String>> run = runner.runAsync("k1", options("tx-crash"));
    failFirstChargeOnceTheRunWaits();

    ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.SECONDS));
    assertInstanceOf(StackOverflowError.class, e.getCause());
    assertFalse(runner.cancel("tx-crash"), "the broken run left the registry");
  }

  @Test
  void aFatalErrorInASegmentOfAnAsynchronousChildFailsItsParentsStep() throws Exception {
    chargeOverflowsOnItsSecondAttempt();
    AsyncShippingWorkflowRunner shipping = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("charge", 1));
    AsyncOrderWorkflowRunner parent = AsyncOrderWorkflowRunner.create(script, stages, shipping);

    CompletableFuture<WorkflowResult<String>> run = parent.runAsync("k2", options("tx-child-crash"));
    failFirstChargeOnceTheRunWaits();

    WorkflowResult<String> result = get(run);
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("fulfil/INVOKE/1"), describe(result.errors()));
    assertInstanceOf(StackOverflowError.class, result.errors().get(0).cause());
    assertEquals(List.of("compensate:open(order-k2)@1"), script.events("compensate:open"));
  }

  @Test
  void aStepsMethodThatThrowsFailsTheRunsFutureWithTheExceptionAndLogsABug() throws Exception {
    IllegalStateException bug = new IllegalStateException("generated code is broken");
    try (LogCapture log = LogCapture.open()) {
      CompletableFuture<WorkflowResult<Object>> run = AsyncRun.start(SPEC, options("tx-throws"), Container.empty(),
          new RunRegistry(), run1 -> {
            throw bug;
          });

      ExecutionException e = assertThrows(ExecutionException.class, () -> run.get(5, TimeUnit.SECONDS));
      assertSame(bug, e.getCause());
      assertEquals(List.of("ERROR Workflow 'broken-steps' (tx-throws) broke down; this is a bug in Stepwise"),
          log.lines("tx-throws"));
    }
  }

  @Test
  void aFatalErrorThrownByTheStepsMethodIsRethrownToTheCallerAndEndsTheRunsFuture() {
    AtomicReference<CompletableFuture<WorkflowResult<Object>>> started = new AtomicReference<>();
    RunRegistry registry = new RunRegistry();
    StackOverflowError fatal = new StackOverflowError("deep");

    StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> started.set(AsyncRun.start(SPEC,
        options("tx-fatal"), Container.empty(), registry, run -> {
          throw fatal;
        })));

    assertSame(fatal, thrown, "a fatal error of the JVM is never only swallowed into a future");
    assertFalse(registry.cancel("tx-fatal"), "the broken run left the registry");
  }

  @Test
  void joinRethrowsAnErrorAsItIsAndWrapsACheckedException() {
    AssertionError error = new AssertionError("fatal");
    IOException checked = new IOException("never expected");

    AssertionError thrown = assertThrows(AssertionError.class, () -> AsyncRun.join(AsyncRun.start(SPEC,
        options("tx-error"), Container.empty(), new RunRegistry(), run -> CompletableFuture.failedFuture(error))));
    CompletionException wrapped = assertThrows(CompletionException.class, () -> AsyncRun.join(AsyncRun.start(SPEC,
        options("tx-checked"), Container.empty(), new RunRegistry(), run -> CompletableFuture.failedFuture(checked))));

    assertSame(error, thrown);
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void aCallerWhoseWaitForAChildIsInterruptedGetsWorkflowCancelledExceptionAndKeepsItsInterrupt() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread waiting = new Thread(() -> {
      try {
        AsyncRun.joinChild(new CompletableFuture<ChildRun<String>>());
      } catch (Throwable t) {
        thrown.set(t);
        interruptedAfter.set(Thread.currentThread().isInterrupted());
      }
    }, "parent-step");
    waiting.start();
    while (waiting.getState() != Thread.State.WAITING) {
      Thread.sleep(1);
    }

    waiting.interrupt();
    waiting.join(5_000);

    WorkflowCancelledException cancelled = assertInstanceOf(WorkflowCancelledException.class, thrown.get());
    assertEquals("the thread waiting for child workflow was interrupted; the child is cancelled", cancelled.getMessage());
    assertInstanceOf(InterruptedException.class, cancelled.getCause());
    assertTrue(interruptedAfter.get(), "the interrupt is the caller's: it is kept for whoever waits next");
  }

  @Test
  void aStepRetriedAtOnceRunsOnTheCallersThreadAsItsFirstAttemptDid() throws Exception {
    script.onInvoke("reserve", Script.fail(2));
    AsyncShippingWorkflowRunner runner = AsyncShippingWorkflowRunner.create(script, stages, StepSpec.of("reserve", 2));

    Future<WorkflowResult<String>> run = callers.submit(() -> runner.run("k3", options("tx-at-once")));
    WorkflowResult<String> result = get(run);

    assertEquals(WorkflowStatus.DONE, result.status());
    String caller = script.entry("invoke:reserve@1").thread();
    assertFalse(caller.equals(executor.threadName()));
    assertEquals(caller, script.entry("invoke:reserve@2").thread());
    assertEquals(caller, script.entry("invoke:reserve@3").thread(),
        "a retry without a pause goes on where the run is, without a new segment on the executor");
  }
}
