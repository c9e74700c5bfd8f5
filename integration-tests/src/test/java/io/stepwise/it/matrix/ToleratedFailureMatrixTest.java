package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code continueOnPermanentFailure} ("points", maxRetries 1) and {@code skipOnPermanentFailure}
 * ("gift") on both paths: the error is recorded, the step has no output (an empty Optional), the
 * run goes on and can end DONE; a skipped step is heard as skipped.
 */
class ToleratedFailureMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void withoutFailuresLaterStepsGetTheOutputs(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<String> result = TolerantWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped points=42 gift=mug", result.result());
    assertEquals(List.of(), result.errors());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void toleratedFailuresAreRecordedAndTheRunGoesOnWithEmptyOutputs(Path path) {
    Probe p = new Probe(path).failAlways("points").failAlways("gift");
    WorkflowResult<String> result = TolerantWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("shipped points=none gift=none", result.result());
    assertEquals(List.of("points INVOKE 2 IllegalStateException: points failed on attempt 2",
        "gift INVOKE 1 IllegalStateException: gift failed on attempt 1"), errors(result));
    assertEquals(List.of("order#1", "points#1", "points#2", "gift#1", "ship#1"), p.calls());
    assertEquals(List.of(), p.undone());
    assertEquals(List.of("run-begin tolerant", "step order#1", "ok order#1", "step points#1",
        "retry points#1 IllegalStateException 0ms", "step points#2",
        "failed points#2 IllegalStateException", "step gift#1", "failed gift#1 IllegalStateException",
        "skipped gift#1", "step ship#1", "ok ship#1", "finish tolerant DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aToleratedPermanentFailureIsNotRetried(Path path) {
    Probe p = new Probe(path).permanentFailure("points", "no points today");
    WorkflowResult<String> result = TolerantWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("shipped points=none gift=mug", result.result());
    assertEquals(List.of("points INVOKE 1 PermanentStepFailureException: no points today"), errors(result));
    assertEquals(List.of("order#1", "points#1", "gift#1", "ship#1"), p.calls());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void partialWorkOfAToleratedFailureIsCompensatedInItsPlaceWhenALaterStepFails(Path path) {
    Probe p = new Probe(path).permanentFailure("points", "no points today", "points-partial").failAlways("ship");
    WorkflowResult<String> result = TolerantWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("points INVOKE 1 PermanentStepFailureException: no points today",
        "ship INVOKE 1 IllegalStateException: ship failed on attempt 1"), errors(result));
    assertEquals(List.of("gift mug", "points points-partial", "order order"), p.undone());
  }
}
