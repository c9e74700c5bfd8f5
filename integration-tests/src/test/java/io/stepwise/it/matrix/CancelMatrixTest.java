package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cancel} on both paths ("first", "second" with one retry after 10s, "third"): the step that
 * runs finishes (a synchronous step on the run's thread, an asynchronous one's stage completes), no
 * further step or attempt starts, and the completed steps are compensated; the run's errors say so
 * wherever the cancel landed (before a step, during an attempt that fails or a retry pause, during
 * the last step, before the first).
 */
class CancelMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelWhileAStepRunsLetsItFinishThenCompensates(Path path) throws Exception {
    Probe p = new Probe(path).hold("second");
    WorkflowResult<String> result = CancelWorkflows.runner(path).runCancellingTheHeldStep(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("third INVOKE 0 WorkflowCancelledException: workflow '" + path.workflow("cancels")
        + "' (transaction " + p.id + ") was cancelled before step 'third'"), errors(result));
    assertEquals(List.of("first#1", "second#1"), p.calls());
    assertEquals(List.of("second second", "first first"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelOfAQueuedRunStopsItBeforeItsFirstStep(Path path) throws Exception {
    Probe p = new Probe(path);
    Runner<String> runner = CancelWorkflows.runner(path);
    List<Runnable> queued = new CopyOnWriteArrayList<>();
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync(p, p.options().executor(queued::add).build());

    assertTrue(runner.cancel(p.id), "the queued run is found");
    assertEquals(1, queued.size());
    queued.get(0).run();
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("first INVOKE 0 WorkflowCancelledException: workflow '" + path.workflow("cancels")
        + "' (transaction " + p.id + ") was cancelled before step 'first'"), errors(result));
    assertEquals(List.of(), p.journal());
    assertEquals(List.of("run-begin cancels", "compensate cancels", "finish cancels REVERTED"), p.events.lines());
    assertFalse(runner.cancel(p.id), "the run is over");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelDuringTheLastStepStillCompensatesEveryStep(Path path) throws Exception {
    Probe p = new Probe(path).hold("third");
    WorkflowResult<String> result = CancelWorkflows.runner(path).runCancellingTheHeldStep(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("third INVOKE 0 WorkflowCancelledException: workflow '" + path.workflow("cancels")
        + "' (transaction " + p.id + ") was cancelled during its last step 'third'; the completed steps are"
        + " compensated"),
        errors(result));
    assertEquals(List.of("third third", "second second", "first first"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelDuringARetryPauseEndsThePauseAndIsRecordedOnTheStepWithItsAttemptsFailure(Path path) throws Exception {
    Probe p = new Probe(path).fail("second", 1);
    Runner<String> runner = CancelWorkflows.runner(path);
    long start = System.nanoTime();
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync(p, p.options().build());
    assertTrue(p.events.await("retry second#1 IllegalStateException 10000ms"), "the pause began");

    assertTrue(runner.cancel(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertCancelledDuringSecondsFirstAttempt(path, p, result);
    assertEquals(List.of("run-begin cancels", "step first#1", "ok first#1", "step second#1",
        "retry second#1 IllegalStateException 10000ms", "failed second#1 IllegalStateException", "compensate cancels",
        "undone first#1", "finish cancels REVERTED"), p.events.lines());
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "the 10s pause ends at the cancel: " + took);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelDuringAnAttemptThatFailsStopsTheRetriesAndIsRecordedOnTheStep(Path path) throws Exception {
    Probe p = new Probe(path).hold("second").fail("second", 1);
    WorkflowResult<String> result = CancelWorkflows.runner(path).runCancellingTheHeldStep(p);

    assertCancelledDuringSecondsFirstAttempt(path, p, result);
    assertEquals(List.of("run-begin cancels", "step first#1", "ok first#1", "step second#1",
        "failed second#1 IllegalStateException", "compensate cancels", "undone first#1", "finish cancels REVERTED"),
        p.events.lines());
  }

  /** The cancel is recorded on "second", with its attempt's own failure suppressed; "first" is compensated. */
  private static void assertCancelledDuringSecondsFirstAttempt(Path path, Probe p, WorkflowResult<String> result) {
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("second INVOKE 1 WorkflowCancelledException: workflow '" + path.workflow("cancels")
        + "' (transaction " + p.id + ") was cancelled during step 'second', whose attempt 1 failed with"
        + " java.lang.IllegalStateException: second failed on attempt 1; no further attempt was started, and the"
        + " completed steps are compensated"), errors(result));
    Throwable[] suppressed = result.errors().get(0).cause().getSuppressed();
    assertEquals(1, suppressed.length);
    assertEquals("second failed on attempt 1", suppressed[0].getMessage());
    assertEquals(List.of("first#1", "second#1"), p.calls());
    assertEquals(List.of("first first"), p.undone());
  }
}
