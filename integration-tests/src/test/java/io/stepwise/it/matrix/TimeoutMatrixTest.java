package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static io.stepwise.it.matrix.RetryMatrixTest.assertAtLeast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A step's timeout ("slow": 500ms, maxRetries 1) and the workflow's ("deadline": 1s), generous so that a loaded machine does not hit them by accident, on both paths.
 *
 * <p>The paths differ here by design (README, "Retries, timeouts..." and "Asynchronous steps"): a
 * synchronous step runs on the run's thread, which the timeout interrupts; an asynchronous step's
 * stage is not cancelled (it may be shared): the run stops waiting for it, and what it completes with
 * later is discarded. A step that returns a completed stage is not interrupted either: it blocks the
 * run until it returns, and then fails its attempt, as its time is over. Outcomes are the same.
 */
class TimeoutMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void anAttemptOverItsTimeoutFailsAndIsRetried(Path path) {
    Probe p = new Probe(path).hang("slow", 1);
    try {
      WorkflowResult<String> result = TimeoutWorkflows.runner(path).run(p);

      assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
      assertEquals("shipped after slow@2", result.result());
      assertEquals(List.of(), result.errors());
      assertEquals(List.of("book#1", "slow#1", "slow#2", "ship#1"), p.calls());
      // the attempt's time counts from just before the step's call, which the probe records a moment later
      assertAtLeast(Duration.ofMillis(450), p.between("slow#1", "slow#2"));
      assertEquals(path == Path.SYNC, p.journal().contains("interrupted slow#1"),
          "only a synchronous step is interrupted");
      assertFalse(Thread.currentThread().isInterrupted());
    } finally {
      p.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepThatTimesOutOnEveryAttemptFailsWithStepTimeoutException(Path path) {
    Probe p = new Probe(path).hang("slow");
    try {
      WorkflowResult<String> result = TimeoutWorkflows.runner(path).run(p);

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("slow INVOKE 2 StepTimeoutException: step 'slow' timed out after 500 ms on attempt 2"),
          errors(result));
      assertEquals(List.of("book#1", "slow#1", "slow#2"), p.calls());
      assertEquals(List.of("book booking"), p.undone());
      assertEquals(path == Path.SYNC, p.journal().contains("interrupted slow#2"));
      assertFalse(Thread.currentThread().isInterrupted());
    } finally {
      p.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void withRetryOnTimeoutFalseATimedOutAttemptFailsTheStepAtOnce(Path path) {
    Probe p = new Probe(path).hang("slow", 1);   // maxRetries 2 left unused
    try {
      WorkflowResult<String> result = FailFastTimeoutWorkflows.runner(path).run(p);

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("slow INVOKE 1 StepTimeoutException: step 'slow' timed out after 500 ms on attempt 1"),
          errors(result));
      assertEquals(List.of("book#1", "slow#1"), p.calls());
      assertEquals(List.of("book booking"), p.undone());
      assertEquals(path == Path.SYNC, p.journal().contains("interrupted slow#1"));
      assertFalse(Thread.currentThread().isInterrupted());
    } finally {
      p.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void withRetryOnTimeoutFalseOtherFailuresAreStillRetried(Path path) {
    Probe p = new Probe(path).fail("slow", 2);
    WorkflowResult<String> result = FailFastTimeoutWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("shipped after slow@3", result.result());
    assertEquals(List.of("book#1", "slow#1", "slow#2", "slow#3", "ship#1"), p.calls());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theWorkflowTimeoutStopsTheRunningStepWithoutARetryAndNoLaterStepStarts(Path path) {
    Probe p = new Probe(path).hang("long");
    try {
      WorkflowResult<String> result = DeadlineWorkflows.runner(path).run(p);

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("long INVOKE 1 WorkflowTimeoutException: workflow '" + path.workflow("deadline")
          + "' timed out after 1000 ms, in step 'long'"), errors(result));
      assertEquals(List.of("quick#1", "long#1"), p.calls());
      assertEquals(List.of("quick quick"), p.undone());
      assertEquals(path == Path.SYNC, p.journal().contains("interrupted long#1"));
    } finally {
      p.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theWorkflowTimeoutCutsARetryPauseShortAndTheStepIsNotTriedAgain(Path path) {
    Probe p = new Probe(path).fail("long", 1);
    long start = System.nanoTime();
    WorkflowResult<String> result = DeadlineWorkflows.runner(path).run(p);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("long INVOKE 1 IllegalStateException: long failed on attempt 1"), errors(result));
    assertEquals(List.of("quick#1", "long#1"), p.calls());
    assertEquals(List.of("quick quick"), p.undone());
    assertTrue(took.compareTo(Duration.ofMillis(5000)) < 0, "the 10s pause ends at the deadline: " + took);
  }
}
