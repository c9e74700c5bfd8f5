package io.stepwise.it.matrix;

import static io.stepwise.it.matrix.Outcomes.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stepwise.runtime.HookCompensation;
import io.stepwise.runtime.HookHandler;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@code @Hook} ("order-placed", between "order" and "confirm") on both paths: the handler runs at
 * the hook's place with the hook's input; its failure fails the run there; its compensation runs
 * when a later step fails, in its place.
 */
class HookMatrixTest {
  private static final HookHandler<String> HANDLER =
      (order, ctx) -> Probe.of(ctx).record("hook " + order + " in " + ctx.stepName(), ctx);
  private static final HookCompensation<String> UNDO = (order, ctx) -> Probe.of(ctx).undo(ctx, order);

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void withoutAHandlerTheHookDoesNothing(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<String> result = HookWorkflows.runner(path, null, null).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of("order#1", "confirm#1"), p.journal());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theHandlerGetsTheHooksInputAtItsPlaceAmongTheSteps(Path path) {
    Probe p = new Probe(path);
    WorkflowResult<String> result = HookWorkflows.runner(path, HANDLER, UNDO).run(p);

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("confirmed order", result.result());
    assertEquals(List.of("order#1", "hook order in order-placed", "confirm#1"), p.journal());
    assertEquals("order-placed", p.mdc("hook order in order-placed").get("stepwise.step"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aFailingHandlerFailsTheRunAtTheHookAndItsCompensationDoesNotRun(Path path) {
    Probe p = new Probe(path);
    HookHandler<String> failing = (order, ctx) -> {
      throw new IllegalStateException("ERP down");
    };
    WorkflowResult<String> result = HookWorkflows.runner(path, failing, UNDO).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("order-placed INVOKE 1 IllegalStateException: ERP down"), errors(result));
    assertEquals(List.of("order#1", "undo order order"), p.journal());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void theHandlersCompensationRunsInItsPlaceWhenALaterStepFails(Path path) {
    Probe p = new Probe(path).failAlways("confirm");
    WorkflowResult<String> result = HookWorkflows.runner(path, HANDLER, UNDO).run(p);

    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("confirm INVOKE 1 IllegalStateException: confirm failed on attempt 1"), errors(result));
    assertEquals(List.of("order-placed order", "order order"), p.undone());
  }
}
