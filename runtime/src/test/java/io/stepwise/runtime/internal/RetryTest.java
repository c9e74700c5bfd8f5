package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.stepwise.runtime.RunOptions;
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

/** SPEC.md: {@code maxRetries}: how many times a failed invocation is tried again before the step counts as failed. */
class RetryTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));
  static final RunOptions NO_THROW = RunOptions.builder().throwOnError(false).build();

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  @Test
  void succeedsOnTheThirdAttemptWithTwoRetries() {
    probe.failInvoke("reserve-stock", 2); // maxRetries = 2

    WorkflowResult<Confirmation> result = runner.run(ACME);

    assertEquals(List.of(
        "invoke:create-order@1",
        "invoke:create-items@1",
        "invoke:audit@1",
        "invoke:reserve-stock@1",
        "invoke:reserve-stock@2",
        "invoke:reserve-stock@3",
        "invoke:notify-supplier@1",
        "invoke:confirm@1"), probe.events()); // retrying runs no earlier step again, compensates nothing
    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals(List.of(), result.errors());
    assertEquals(2, result.result().reserved());
    assertEquals(List.of(1, 2, 3), probe.contexts().stream()
        .filter(c -> c.where().equals("invoke:reserve-stock")).map(c -> c.attempt()).toList());
  }

  @Test
  void failsAfterMaxRetriesPlusOneAttemptsWithTheLastAttemptsException() {
    probe.failInvokeAlways("reserve-stock");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:reserve-stock@1", "invoke:reserve-stock@2", "invoke:reserve-stock@3"),
        probe.events("invoke:reserve-stock"));
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertEquals(1, result.errors().size());
    assertEquals(3, result.errors().get(0).attempts());
    List<Throwable> thrown = probe.thrown("reserve-stock", StepPhase.INVOKE);
    assertEquals(3, thrown.size());
    assertSame(thrown.get(2), result.errors().get(0).cause());
    assertNotSame(thrown.get(0), result.errors().get(0).cause());
    assertEquals("step reserve-stock failed on attempt 3", result.errors().get(0).cause().getMessage());
  }

  @Test
  void oneRetryMeansTwoAttempts() {
    probe.failInvokeAlways("notify-supplier"); // maxRetries = 1

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:notify-supplier@1", "invoke:notify-supplier@2"), probe.events("invoke:notify"));
    assertEquals(2, result.errors().get(0).attempts());
  }

  @Test
  void noRetriesMeansOneAttempt() {
    probe.failInvokeAlways("create-order"); // maxRetries = 0

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of("invoke:create-order@1"), probe.events());
    assertEquals(1, result.errors().get(0).attempts());
    assertEquals(WorkflowStatus.REVERTED, result.status());
  }

  @Test
  void retriedStepSucceedingOnItsLastAttemptKeepsItsCompensation() {
    probe.failInvoke("create-items", 2).failInvokeAlways("confirm");

    WorkflowResult<Confirmation> result = runner.run(ACME, NO_THROW);

    assertEquals(List.of(
        "compensate:notify-supplier()@1",
        "compensate:reserve-stock(order-acme x2)@1",
        "compensate:create-items([item-order-acme-1, item-order-acme-2])@1", // once, not per attempt
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
    assertEquals(List.of("confirm"), result.errors().stream().map(e -> e.step()).toList());
  }
}
