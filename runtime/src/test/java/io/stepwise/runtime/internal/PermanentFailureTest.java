package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.stepwise.runtime.PermanentStepFailureException;
import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepError;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import io.stepwise.runtime.fixtures.Probe;
import io.stepwise.runtime.fixtures.Probe.Fault;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Confirmation;
import io.stepwise.runtime.fixtures.RestockOrderWorkflow.Input;
import io.stepwise.runtime.fixtures.RestockOrderWorkflowRunner;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC.md: permanentFailure fails the step at once, with no retry; the failed step itself is
 * compensated only when it failed with permanentFailure(message, compensationInput), first, with that
 * input.
 */
class PermanentFailureTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  @Test
  void permanentFailureIsNotRetriedAndTheFailingStepIsNotCompensated() {
    probe.fault("create-items", Fault.PERMANENT); // create-items has maxRetries = 2

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1", "invoke:create-items@1"), probe.events("invoke:"));
    assertEquals(List.of("compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("create-items", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals(1, error.attempts());
    PermanentStepFailureException cause = assertInstanceOf(PermanentStepFailureException.class, error.cause());
    assertEquals("product prod-2 is not carried", cause.getMessage());
  }

  @Test
  void permanentFailureWithInputCompensatesTheFailingStepFirstWithThatInput() {
    probe.fault("create-items", Fault.PERMANENT_WITH_INPUT);

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1", "invoke:create-items@1"), probe.events("invoke:"));
    assertEquals(List.of(
        "compensate:create-items([item-order-acme-1])@1", // its own partial work, first
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size());
    StepError error = result.errors().get(0);
    assertEquals("create-items", error.step());
    assertEquals(StepPhase.INVOKE, error.phase());
    assertEquals(1, error.attempts());
    assertEquals("product prod-2 is not carried",
        assertInstanceOf(PermanentStepFailureException.class, error.cause()).getMessage());
  }

  @Test
  void permanentFailureWithInputOnTheFirstStepCompensatesOnlyThatStep() {
    probe.fault("create-order", Fault.PERMANENT_WITH_INPUT);

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1", "compensate:create-order(partial-order-acme)@1"), probe.events());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals("supplier acme is closed", result.errors().get(0).cause().getMessage());
  }

  @Test
  void permanentFailureWithoutInputOnTheFirstStepCompensatesNothing() {
    probe.fault("create-order", Fault.PERMANENT);

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1"), probe.events());
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("create-order"), result.errors().stream().map(StepError::step).toList());
  }

  @Test
  void thrownPermanentStepFailureExceptionIsNotRetriedEvenWithRetriesLeft() {
    probe.fault("reserve-stock", Fault.THROW_PERMANENT); // reserve-stock has maxRetries = 2

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1", "invoke:create-items@1", "invoke:audit@1",
        "invoke:reserve-stock@1"), probe.events("invoke:"));
    assertEquals(List.of(
        "compensate:create-items([item-order-acme-1, item-order-acme-2])@1",
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    StepError error = result.errors().get(0);
    assertEquals(1, result.errors().size());
    assertEquals("reserve-stock", error.step());
    assertEquals(1, error.attempts());
    assertSame(probe.onlyThrown("reserve-stock", StepPhase.INVOKE), error.cause());
  }

  @Test
  void ownCompensationThatFailsIsRecordedAndTheOthersStillRun() {
    probe.fault("create-items", Fault.PERMANENT_WITH_INPUT).failCompensationAlways("create-items");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of(
        "compensate:create-items([item-order-acme-1])@1",
        "compensate:create-items([item-order-acme-1])@2",
        "compensate:create-items([item-order-acme-1])@3", // create-items has maxRetries = 2
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("create-items/INVOKE/1", "create-items/COMPENSATE/3"),
        result.errors().stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList());
    assertSame(probe.lastThrown("create-items", StepPhase.COMPENSATE), result.errors().get(1).cause());
  }
}
