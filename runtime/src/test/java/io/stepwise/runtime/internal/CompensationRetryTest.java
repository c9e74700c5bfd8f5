package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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
import org.junit.jupiter.api.Test;

/**
 * SPEC.md: "A compensation that throws is tried again as often as its step's maxRetries. When it
 * still fails, the error is recorded in errors(), the remaining compensations still run, and the
 * workflow ends FAILED."
 */
class CompensationRetryTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();
  static final String ITEMS = "compensate:create-items([item-order-acme-1, item-order-acme-2])";

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  static List<String> describe(List<StepError> errors) {
    return errors.stream().map(e -> e.step() + "/" + e.phase() + "/" + e.attempts()).toList();
  }

  @Test
  void compensationSucceedingOnItsLastRetryRevertsTheRun() {
    probe.failInvokeAlways("confirm").failCompensation("create-items", 2); // create-items: maxRetries = 2

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of(
        "compensate:notify-supplier()@1",
        "compensate:reserve-stock(order-acme x2)@1",
        ITEMS + "@1",
        ITEMS + "@2",
        ITEMS + "@3",
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(List.of("confirm/INVOKE/1"), describe(result.errors()));
  }

  @Test
  void compensationStillFailingIsRecordedTheOthersRunAndTheRunFails() {
    probe.failInvokeAlways("confirm").failCompensationAlways("create-items");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of(
        "compensate:notify-supplier()@1",
        "compensate:reserve-stock(order-acme x2)@1",
        ITEMS + "@1",
        ITEMS + "@2",
        ITEMS + "@3",
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("confirm/INVOKE/1", "create-items/COMPENSATE/3"), describe(result.errors()));
    assertSame(probe.onlyThrown("confirm", StepPhase.INVOKE), result.errors().get(0).cause());
    List<Throwable> thrown = probe.thrown("create-items", StepPhase.COMPENSATE);
    assertEquals(3, thrown.size());
    assertSame(thrown.get(2), result.errors().get(1).cause());
  }

  @Test
  void compensationOfAStepWithoutRetriesIsTriedOnce() {
    probe.failInvokeAlways("confirm").failCompensationAlways("create-order"); // create-order: maxRetries = 0

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("compensate:create-order(order-acme)@1"), probe.events("compensate:create-order"));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("confirm/INVOKE/1", "create-order/COMPENSATE/1"), describe(result.errors()));
  }

  @Test
  void voidCompensationIsRetriedToo() {
    probe.failInvokeAlways("confirm").failCompensation("notify-supplier", 1); // notify-supplier: maxRetries = 1

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("compensate:notify-supplier()@1", "compensate:notify-supplier()@2"),
        probe.events("compensate:notify-supplier"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void everyFailingCompensationIsRecordedInTheOrderTheyRan() {
    probe.failInvokeAlways("confirm")
        .failCompensationAlways("notify-supplier")
        .failCompensationAlways("reserve-stock")
        .failCompensationAlways("create-order");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of(
        "compensate:notify-supplier()@1",
        "compensate:notify-supplier()@2",
        "compensate:reserve-stock(order-acme x2)@1",
        "compensate:reserve-stock(order-acme x2)@2",
        "compensate:reserve-stock(order-acme x2)@3",
        ITEMS + "@1",
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of(
        "confirm/INVOKE/1",
        "notify-supplier/COMPENSATE/2",
        "reserve-stock/COMPENSATE/3",
        "create-order/COMPENSATE/1"), describe(result.errors()));
  }

  @Test
  void compensationAttemptsAreCountedInTheContext() {
    probe.failInvokeAlways("confirm").failCompensationAlways("reserve-stock");

    runner.run(ACME, NO_THROW);

    assertEquals(List.of("reserve-stock/1/true", "reserve-stock/2/true", "reserve-stock/3/true"),
        probe.contexts().stream()
            .filter(c -> c.where().equals("compensate:reserve-stock"))
            .map(c -> c.stepName() + "/" + c.attempt() + "/" + c.compensating())
            .toList());
  }
}
