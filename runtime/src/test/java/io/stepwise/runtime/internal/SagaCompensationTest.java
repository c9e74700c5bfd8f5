package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Confirmation;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC.md Semantics: "When a step fails (after its retries), every step that completed is compensated
 * in reverse order of completion, each with its own compensation input. Steps without a compensation
 * are passed over. The workflow ends REVERTED."
 */
class SagaCompensationTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  // Each compensation with its own input: the 2-arg StepResponse's second argument (the order id,
  // not the Order), the 1-arg StepResponse's output, the plain step's output, nothing for void.
  static final String UNDO_ORDER = "compensate:create-order(order-acme)@1";
  static final String UNDO_ITEMS = "compensate:create-items([item-order-acme-1, item-order-acme-2])@1";
  static final String UNDO_RESERVE = "compensate:reserve-stock(order-acme x2)@1";
  static final String UNDO_NOTIFY = "compensate:notify-supplier()@1";

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  @Test
  void stepsRunInDeclarationOrderAndOutputsFlowToLaterSteps() {
    WorkflowResult<Confirmation> result = runner.run(ACME);

    assertEquals(List.of(
        "invoke:create-order@1",
        "invoke:create-items@1",
        "invoke:audit@1",
        "invoke:reserve-stock@1",
        "invoke:notify-supplier@1",
        "invoke:confirm@1"), probe.events());
    assertEquals(WorkflowStatus.DONE, result.status());
    assertTrue(result.isDone());
    assertEquals(RestockOrderWorkflowRunner.WORKFLOW, result.workflowName());
    assertEquals(new Confirmation("order-acme", List.of("item-order-acme-1", "item-order-acme-2"), 2,
        "audited order-acme"), result.result());
    assertEquals(List.of(), result.errors());
  }

  static Stream<Arguments> failingSteps() {
    return Stream.of(
        // failing step, its attempts (maxRetries + 1), the compensations expected, in this order
        Arguments.of("create-order", 1, List.of()),
        Arguments.of("create-items", 3, List.of(UNDO_ORDER)),
        Arguments.of("audit", 1, List.of(UNDO_ITEMS, UNDO_ORDER)),
        Arguments.of("reserve-stock", 3, List.of(UNDO_ITEMS, UNDO_ORDER)),
        Arguments.of("notify-supplier", 2, List.of(UNDO_RESERVE, UNDO_ITEMS, UNDO_ORDER)),
        Arguments.of("confirm", 1, List.of(UNDO_NOTIFY, UNDO_RESERVE, UNDO_ITEMS, UNDO_ORDER)));
  }

  @ParameterizedTest(name = "{0} fails")
  @MethodSource("failingSteps")
  void completedStepsAreCompensatedInReverseOrder(String failing, int attempts, List<String> compensations) {
    probe.failInvokeAlways(failing);

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(compensations, probe.events("compensate:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(1, result.errors().size(), () -> "errors: " + result.errors());
    StepError error = result.errors().get(0);
    assertEquals(failing, error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals(attempts, error.attempts());
    assertEquals(attempts, probe.thrown(failing, StepPhase.INVOKE).size());
    assertSame(probe.lastThrown(failing, StepPhase.INVOKE), error.cause());
    // nothing after the failing step ran
    List<String> invoked = probe.events("invoke:");
    assertEquals("invoke:" + failing + "@" + attempts, invoked.get(invoked.size() - 1));
  }

  @Test
  void wholeRunOfAFailureAtTheLastStep() {
    probe.failInvokeAlways("confirm");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of(
        "invoke:create-order@1",
        "invoke:create-items@1",
        "invoke:audit@1",
        "invoke:reserve-stock@1",
        "invoke:notify-supplier@1",
        "invoke:confirm@1",
        // confirm itself is not compensated; audit has no compensation and is passed over
        UNDO_NOTIFY,
        UNDO_RESERVE,
        UNDO_ITEMS,
        UNDO_ORDER), probe.events());
    assertEquals(WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void compensationsSeeTheirOwnStepInTheContext() {
    probe.failInvokeAlways("confirm");

    runner.run(ACME, NO_THROW);

    List<String> compensated = probe.contexts().stream()
        .filter(c -> c.where().startsWith("compensate:"))
        .map(c -> c.stepName() + "/" + c.compensating() + "/" + c.attempt())
        .toList();
    assertEquals(List.of("notify-supplier/true/1", "reserve-stock/true/1", "create-items/true/1",
        "create-order/true/1"), compensated);
  }

  @Test
  void errorsOfAFailedRunAreUnmodifiable() {
    probe.failInvokeAlways("audit");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    List<StepError> errors = result.errors();
    assertThrows(UnsupportedOperationException.class, () -> errors.add(errors.get(0)));
    assertThrows(UnsupportedOperationException.class, () -> errors.remove(0));
    assertThrows(UnsupportedOperationException.class, errors::clear);
    assertEquals(1, result.errors().size());
  }

  @Test
  void aFailedRunDoesNotLeakIntoTheNextRunOfTheSameRunner() {
    probe.failInvokeAlways("confirm");
    WorkflowResult<Confirmation> first = runner.run(ACME, NO_THROW);
    probe.failInvoke("confirm", 0); // from now on, confirm succeeds
    WorkflowResult<Confirmation> second = runner.run(ACME, NO_THROW);

    assertEquals(WorkflowStatus.REVERTED, first.status());
    assertEquals(WorkflowStatus.DONE, second.status());
    assertEquals(List.of(), second.errors());
    // each run compensated only its own steps, once
    assertEquals(List.of(UNDO_NOTIFY, UNDO_RESERVE, UNDO_ITEMS, UNDO_ORDER), probe.events("compensate:"));
  }
}
