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
 * further step starts, and the completed steps are compensated; a queued run stops before its first
 * step; a cancel during the last step still compensates every step.
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
        + "' (transaction " + p.id + ") was cancelled during its last step 'third'; the completed steps are compensated"),
        errors(result));
    assertEquals(List.of("third third", "second second", "first first"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelDuringARetryPauseEndsThePauseAndCompensates(Path path) throws Exception {
    Probe p = new Probe(path).fail("second", 1);
    Runner<String> runner = CancelWorkflows.runner(path);
    long start = System.nanoTime();
    CompletableFuture<WorkflowResult<String>> run = runner.runAsync(p, p.options().build());
    assertTrue(p.awaitCall("second#1"));

    assertTrue(runner.cancel(p.id));
    WorkflowResult<String> result = run.get(5, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("second INVOKE 1 IllegalStateException: second failed on attempt 1"), errors(result));
    assertEquals(List.of("first#1", "second#1"), p.calls());
    assertEquals(List.of("first first"), p.undone());
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "the 10s pause ends at the cancel: " + took);
  }
}
