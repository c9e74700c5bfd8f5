package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@code @Parallel} group ("reserve" and "label") on both paths: its steps run at the same time,
 * their outputs flow on; when one fails the other runs to completion, then every completed step of
 * the group is compensated in reverse order of completion (the failed one's partial work first),
 * then the earlier steps.
 */
class GroupMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theGroupsStepsRunAtTheSameTimeAndTheirOutputsFlowOn(Path path) {
    Probe p = new Probe(path).meet("reserve", "label"); // each waits for the other: one after the other, they fail
    WorkflowResult<String> result = GroupWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("shipped reservation label", result.result());
    assertTrue(p.journal().containsAll(List.of("met reserve", "met label")), p.journal().toString());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void whenOneStepFailsItsPartnerCompletesAndIsCompensatedThenTheEarlierSteps(Path path) {
    Probe p = new Probe(path).failAlways("label");
    WorkflowResult<String> result = GroupWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("label INVOKE 1 IllegalStateException: label failed on attempt 1"), errors(result));
    assertEquals(Set.of("order#1", "reserve#1", "label#1"), Set.copyOf(p.calls()));
    assertEquals(List.of("reserve reservation", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void partialWorkOfTheFailedStepIsCompensatedBeforeItsPartner(Path path) {
    Probe p = new Probe(path).permanentFailure("label", "printer jammed", "label-partial");
    WorkflowResult<String> result = GroupWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("label INVOKE 1 PermanentStepFailureException: printer jammed"), errors(result));
    assertEquals(List.of("label label-partial", "reserve reservation", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void whenBothFailBothErrorsAreRecorded(Path path) {
    Probe p = new Probe(path).failAlways("reserve").failAlways("label");
    WorkflowResult<String> result = GroupWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(Set.of("reserve INVOKE 1 IllegalStateException: reserve failed on attempt 1",
        "label INVOKE 1 IllegalStateException: label failed on attempt 1"), Set.copyOf(errors(result)));
    assertEquals(2, result.errors().size());
    assertEquals(List.of("order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aLaterFailureCompensatesTheGroupInReverseOrderOfCompletion(Path path) {
    Probe p = new Probe(path).after("label", "reserve").failAlways("ship"); // reserve completes first
    WorkflowResult<String> result = GroupWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("ship INVOKE 1 IllegalStateException: ship failed on attempt 1"), errors(result));
    assertEquals(List.of("label label-id", "reserve reservation", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aGroupStepOverItsTimeoutFailsTheRunAndItsPartnerIsCompensated(Path path) {
    Probe p = new Probe(path).hang("reserve");
    try {
      WorkflowResult<String> result = GroupWorkflows.runner(path).run(p);

      assertEquals(WorkflowStatus.REVERTED, result.status());
      assertEquals(List.of("reserve INVOKE 1 StepTimeoutException: step 'reserve' timed out after 500 ms on attempt 1"),
          errors(result));
      assertEquals(List.of("label label-id", "order order"), p.undone());
      // as for any step (TimeoutMatrixTest): only a synchronous step's thread is interrupted
      assertEquals(path == Path.SYNC, p.journal().contains("interrupted reserve#1"));
    } finally {
      p.release();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelDuringTheGroupLetsBothStepsFinishThenCompensatesThem(Path path) throws Exception {
    Probe p = new Probe(path).hold("label").after("label", "reserve"); // reserve completes first
    // once both steps have started: a cancel that comes before a step's task has begun fails that
    // step (0 attempts), on both paths, while its partner runs on
    WorkflowResult<String> result = GroupWorkflows.runner(path).runCancellingTheHeldStep(p, "reserve#1");

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("ship INVOKE 0 WorkflowCancelledException: workflow '" + path.workflow("groups")
        + "' (transaction " + p.id + ") was cancelled before step 'ship'"), errors(result));
    assertEquals(List.of("label label-id", "reserve reservation", "order order"), p.undone());
  }
}
