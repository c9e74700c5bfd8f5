package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retries on both paths: attempt numbers, pauses that grow by the backoff up to the cap, immediate
 * retries, compensations retried with their step's pauses, and a compensation that fails for good.
 * "flaky" has maxRetries 3, retryInterval 20ms, backoff 4, maxRetryInterval 40ms; "last" maxRetries 1.
 */
class RetryMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aRetriedStepSucceedsOnItsThirdAttemptAfterGrowingPauses(Path path) {
    Probe p = new Probe(path).fail("flaky", 2);
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("last after flaky@3", result.result());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("first#1", "flaky#1", "flaky#2", "flaky#3", "last#1"), p.calls());
    assertAtLeast(Duration.ofMillis(20), p.between("flaky#1", "flaky#2"));
    assertAtLeast(Duration.ofMillis(40), p.between("flaky#2", "flaky#3")); // 20ms times the backoff
    assertEquals(List.of(), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepThatFailsEveryAttemptFailsAfterTheCappedPausesAndTheEarlierStepsAreCompensated(Path path) {
    Probe p = new Probe(path).failAlways("flaky");
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(List.of("flaky INVOKE 4 IllegalStateException: flaky failed on attempt 4"), errors(result));
    assertEquals(List.of("first#1", "flaky#1", "flaky#2", "flaky#3", "flaky#4"), p.calls());
    assertAtLeast(Duration.ofMillis(20), p.between("flaky#1", "flaky#2"));
    assertAtLeast(Duration.ofMillis(40), p.between("flaky#2", "flaky#3"));
    Duration capped = p.between("flaky#3", "flaky#4");
    assertAtLeast(Duration.ofMillis(40), capped);
    assertTrue(capped.compareTo(Duration.ofMillis(300)) < 0, "the pause is capped at 40ms, not 320ms: " + capped);
    assertEquals(List.of("first first"), p.undone(), "the failed step itself is not compensated");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepThatThrowsAtItsCallIsRetriedAsOneWhoseWorkFailed(Path path) {
    Probe p = new Probe(path).failOnCall("flaky", 1).fail("flaky", 2); // the call fails, then the work once
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("last after flaky@3", result.result());
    assertEquals(List.of("first#1", "flaky#1", "flaky#2", "flaky#3", "last#1"), p.calls());
    assertAtLeast(Duration.ofMillis(20), p.between("flaky#1", "flaky#2"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aStepWithoutARetryIntervalIsRetriedAtOnce(Path path) {
    Probe p = new Probe(path).fail("last", 1);
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("last after flaky@1", result.result());
    assertEquals(List.of("first#1", "flaky#1", "last#1", "last#2"), p.calls());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCompensationIsRetriedWithItsStepsPauses(Path path) {
    Probe p = new Probe(path).failAlways("last").fail("undo flaky", 1);
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("last INVOKE 2 IllegalStateException: last failed on attempt 2"), errors(result));
    assertEquals(List.of("undo flaky#1 failed", "undo flaky flaky@1", "undo first first"),
        p.journal().stream().filter(line -> line.startsWith("undo")).toList());
    assertEquals(List.of("flaky flaky@1", "first first"), p.undone());
    assertAtLeast(Duration.ofMillis(20), p.between("undo flaky#1", "undo flaky#2"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCompensationThatFailsForGoodEndsTheRunFailedAndTheOtherCompensationsStillRun(Path path) {
    Probe p = new Probe(path).failAlways("last").failAlways("undo flaky");
    WorkflowResult<String> result = RetryWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertNull(result.result());
    assertEquals(List.of("last INVOKE 2 IllegalStateException: last failed on attempt 2",
        "flaky COMPENSATE 4 IllegalStateException: undo flaky failed on attempt 4"), errors(result));
    assertEquals(List.of("first first"), p.undone());
    assertAtLeast(Duration.ofMillis(20), p.between("undo flaky#1", "undo flaky#2"));
    assertAtLeast(Duration.ofMillis(40), p.between("undo flaky#2", "undo flaky#3"));
    assertAtLeast(Duration.ofMillis(40), p.between("undo flaky#3", "undo flaky#4"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void runThrowsWorkflowFailedExceptionWithTheStepsCauseAndTheFailedCompensationsSuppressed(Path path) {
    Probe p = new Probe(path).failAlways("last").failAlways("undo flaky");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> RetryWorkflows.runner(path).run(p, p.options().throwOnError(true).build()));

    assertFailedException(path, p, e);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void runAsyncCompletesExceptionallyWithTheSameWorkflowFailedException(Path path) {
    Probe p = new Probe(path).failAlways("last").failAlways("undo flaky");
    CompletionException wrapped = assertThrows(CompletionException.class,
        () -> RetryWorkflows.runner(path).runAsync(p, p.options().throwOnError(true).build()).join());

    assertFailedException(path, p, assertInstanceOf(WorkflowFailedException.class, wrapped.getCause()));
  }

  private static void assertFailedException(Path path, Probe p, WorkflowFailedException e) {
    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(p.id, result.transactionId());
    assertEquals(path.workflow("retries"), result.workflowName());
    assertSame(result.errors().get(0).cause(), e.getCause());
    assertArrayEquals(new Throwable[] {result.errors().get(1).cause()}, e.getSuppressed());
    assertEquals("Workflow '" + path.workflow("retries") + "' (transaction " + p.id + ") ended FAILED: step 'last'"
        + " failed: java.lang.IllegalStateException: last failed on attempt 2", e.getMessage());
  }

  static void assertAtLeast(Duration least, Duration actual) {
    assertTrue(actual.compareTo(least) >= 0, "expected at least " + least + ", was " + actual);
  }
}
