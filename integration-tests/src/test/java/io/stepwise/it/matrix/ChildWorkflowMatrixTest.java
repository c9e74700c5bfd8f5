package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.ChildCompensationException;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Child workflows on both paths: "children" runs "parcel" ("pack", "label") in its step "ship". The
 * child runs under the transaction id {@code <parent>/ship} with the parent's listeners; a failing
 * child compensates itself and fails the parent's step; a later failure of the parent compensates
 * the child's steps as a unit, in reverse, at the step's place.
 */
class ChildWorkflowMatrixTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theChildsResultFlowsOnAndItRunsUnderATransactionIdDerivedFromTheParents(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<String> result = ChildWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.DONE, result.status(), result.toString());
    assertEquals("confirmed labelled box", result.result());
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1", "confirm#1"), p.calls());
    assertEquals(p.id + "/ship", p.context("ship/pack#1").transactionId());
    assertEquals(p.id + "/ship", p.context("ship/label#1").transactionId());
    assertEquals(p.id, p.context("confirm#1").transactionId());
    assertEquals(List.of("run-begin children", "step order#1", "ok order#1", "step ship#1", "run-begin parcel",
        "step pack#1", "ok pack#1", "step label#1", "ok label#1", "finish parcel DONE", "ok ship#1", "step confirm#1",
        "ok confirm#1", "finish children DONE"), p.events.lines());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailingChildCompensatesItselfAndFailsTheParentsStep(Path path) {
    Probe p = new Probe(path).failAlways("label");
    WorkflowResult<String> result = ChildWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String child = path.workflow("parcel");
    assertEquals(List.of("ship INVOKE 1 WorkflowFailedException: Workflow '" + child + "' (transaction " + p.id
        + "/ship) ended REVERTED: step 'label' failed: java.lang.IllegalStateException: label failed on attempt 1"),
        errors(result));
    WorkflowResult<?> childResult =
        assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause()).result();
    assertEquals(child, childResult.workflowName());
    assertEquals(p.id + "/ship", childResult.transactionId());
    assertEquals(WorkflowStatus.REVERTED, childResult.status());
    assertEquals(List.of("label INVOKE 1 IllegalStateException: label failed on attempt 1"), errors(childResult));
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1"), p.calls());
    assertEquals(List.of("ship/pack box", "order order"), p.undone());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailingChildThatCouldNotUndoItsWorkMakesTheParentFailed(Path path) {
    Probe p = new Probe(path).failAlways("label").failAlways("undo pack");
    WorkflowResult<String> result = ChildWorkflows.runner(path).run(p);

    WorkflowResult<?> childResult =
        assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause()).result();
    assertEquals(WorkflowStatus.FAILED, childResult.status(), "the child's pack is not undone");
    assertEquals(WorkflowStatus.FAILED, result.status(), "so the parent's run did not revert everything");
    assertEquals(List.of("order order"), p.undone(), "the parent's own compensations still run");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aLaterFailureOfTheParentCompensatesTheChildAsAUnitInReverse(Path path) {
    Probe p = new Probe(path).failAlways("confirm");
    WorkflowResult<String> result = ChildWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("confirm INVOKE 1 IllegalStateException: confirm failed on attempt 1"), errors(result));
    assertEquals(List.of("ship/label labelled box", "ship/pack box", "order order"), p.undone());
    assertEquals(p.id + "/ship", p.mdc("undo ship/pack#1").get("stepwise.transactionId"),
        "compensated in the child's scope");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aChildCompensationThatFailsEndsTheParentFailed(Path path) {
    Probe p = new Probe(path).failAlways("confirm").failAlways("undo pack");
    WorkflowResult<String> result = ChildWorkflows.runner(path).run(p);

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("confirm INVOKE 1 IllegalStateException: confirm failed on attempt 1",
        "ship COMPENSATE 1 ChildCompensationException: compensation of child workflow '" + path.workflow("parcel")
            + "' (transaction " + p.id + "/ship) failed for step(s) 'pack'"), errors(result));
    StepError ship = result.errors().get(1);
    ChildCompensationException unit = assertInstanceOf(ChildCompensationException.class, ship.cause());
    assertArrayEquals(new String[] {"undo pack failed on attempt 1"},
        Arrays.stream(unit.getSuppressed()).map(Throwable::getMessage).toArray());
    assertEquals(List.of("ship/label labelled box", "order order"), p.undone(),
        "the parent's other compensations still run");
  }

  /**
   * The parent's step ("ship", timeout 250ms) gives up on a child whose step hangs. The paths differ
   * by design, as for any timeout: a synchronous child runs on the parent step's thread, whose
   * interrupt fails the child's step, so the child compensates its earlier steps and fails; an
   * asynchronous child is abandoned, not interrupted: once its step completes, it stops and
   * compensates all its steps itself (the README, "Asynchronous steps"). Either way nothing of the
   * child is left undone.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aChildThatOutlivesItsParentStepsTimeoutIsUndone(Path path) throws Exception {
    Probe p = new Probe(path).hang("label");
    WorkflowResult<String> result = ChildWorkflows.runner(path).run(p);
    p.release();

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("ship INVOKE 1 StepTimeoutException: step 'ship' timed out after 250 ms on attempt 1"),
        errors(result));
    if (path == Path.SYNC) {
      assertTrue(p.journal().contains("interrupted ship/label#1"), p.journal().toString());
      assertEquals(List.of("ship/pack box", "order order"), p.undone());
    } else {
      assertTrue(p.awaitUndone("ship/pack box"), p.journal().toString());
      assertEquals(Set.of("ship/label labelled box", "ship/pack box", "order order"), Set.copyOf(p.undone()));
      List<String> child = p.undone().stream().filter(line -> line.startsWith("ship/")).toList();
      assertEquals(List.of("ship/label labelled box", "ship/pack box"), child,
          "the child compensates itself in reverse");
    }
    assertEquals(List.of("order#1", "ship/pack#1", "ship/label#1"), p.calls());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aCancelOfTheParentStopsTheChildBeforeItsNextStep(Path path) throws Exception {
    Probe p = new Probe(path).hold("pack");
    WorkflowResult<String> result = ChildWorkflows.runner(path).runCancellingTheHeldStep(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String child = path.workflow("parcel");
    // the child's cancellation fails the parent's step, which records the parent's cancellation
    assertEquals(List.of("ship INVOKE 1 WorkflowCancelledException: workflow '" + path.workflow("children")
        + "' (transaction " + p.id + ") was cancelled during step 'ship', whose attempt 1 failed with"
        + " io.stepwise.runtime.WorkflowFailedException: Workflow '" + child + "' (transaction " + p.id
        + "/ship) ended REVERTED: it was cancelled at step 'label': io.stepwise.runtime.WorkflowCancelledException:"
        + " workflow '" + child + "' (transaction " + p.id + "/ship) was cancelled before step 'label'; no further"
        + " attempt was started, and the completed steps are compensated"), errors(result));
    assertEquals(List.of("order#1", "ship/pack#1"), p.calls());
    assertEquals(List.of("ship/pack box", "order order"), p.undone());
  }
}
