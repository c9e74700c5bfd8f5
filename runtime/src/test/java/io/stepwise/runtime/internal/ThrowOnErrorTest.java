package io.stepwise.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.RunOptions;
import io.stepwise.runtime.StepPhase;
import io.stepwise.runtime.WorkflowFailedException;
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
 * SPEC.md: runner.run(input) throws WorkflowFailedException unless DONE; its result() gives the
 * WorkflowResult and its cause is the failing step's exception. throwOnError(false) returns the result.
 */
class ThrowOnErrorTest {
  static final Input ACME = new Input("acme", List.of("prod-1", "prod-2"));

  final Probe probe = new Probe();
  final RestockOrderWorkflowRunner runner = new RestockOrderWorkflowRunner(new RestockOrderWorkflow(probe));

  @Test
  void defaultOptionsThrowOnError() {
    assertTrue(RunOptions.defaults().throwOnError());
    assertTrue(RunOptions.builder().build().throwOnError());
  }

  @Test
  void revertedRunThrowsWithTheResultAndTheStepsExceptionAsCause() {
    probe.failInvokeAlways("reserve-stock");

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> runner.run(ACME));

    assertSame(probe.lastThrown("reserve-stock", StepPhase.INVOKE), e.getCause());
    WorkflowResult<?> result = e.result();
    assertEquals(WorkflowStatus.REVERTED, result.status());
    assertNull(result.result());
    assertEquals(RestockOrderWorkflowRunner.WORKFLOW, result.workflowName());
    assertEquals(1, result.errors().size());
    assertEquals("reserve-stock", result.errors().get(0).step());
    assertEquals(StepPhase.INVOKE, result.errors().get(0).phase());
    assertEquals(3, result.errors().get(0).attempts());
    assertSame(e.getCause(), result.errors().get(0).cause());
    assertEquals(0, e.getSuppressed().length);
    // the message names the workflow, the transaction, the status and the failing step
    assertTrue(e.getMessage().contains("'create-restock-order'"), e.getMessage());
    assertTrue(e.getMessage().contains(result.transactionId()), e.getMessage());
    assertTrue(e.getMessage().contains("REVERTED"), e.getMessage());
    assertTrue(e.getMessage().contains("'reserve-stock'"), e.getMessage());
    // the compensations ran before the exception was thrown
    assertEquals(List.of(
        "compensate:create-items([item-order-acme-1, item-order-acme-2])@1",
        "compensate:create-order(order-acme)@1"), probe.events("compensate:"));
  }

  @Test
  void failedRunThrowsWithCompensationFailuresSuppressed() {
    probe.failInvokeAlways("confirm").failCompensationAlways("reserve-stock").failCompensationAlways("create-order");

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> runner.run(ACME, RunOptions.builder().transactionId("tx-throwing").build()));

    assertSame(probe.onlyThrown("confirm", StepPhase.INVOKE), e.getCause());
    assertEquals(WorkflowStatus.FAILED, e.result().status());
    assertEquals("tx-throwing", e.result().transactionId());
    assertArrayEquals(new Throwable[] {
        probe.lastThrown("reserve-stock", StepPhase.COMPENSATE),
        probe.onlyThrown("create-order", StepPhase.COMPENSATE)}, e.getSuppressed());
    assertEquals(List.of("confirm/INVOKE", "reserve-stock/COMPENSATE", "create-order/COMPENSATE"),
        e.result().errors().stream().map(x -> x.step() + "/" + x.phase()).toList());
    assertTrue(e.getMessage().contains("FAILED"), e.getMessage());
    assertTrue(e.getMessage().contains("tx-throwing"), e.getMessage());
  }

  @Test
  void throwOnErrorFalseReturnsTheFailedResult() {
    probe.failInvokeAlways("confirm").failCompensationAlways("create-order");

    WorkflowResult<Confirmation> result = runner.run(ACME, RunOptions.builder().throwOnError(false).build());

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertNull(result.result());
    assertEquals(List.of("confirm/INVOKE", "create-order/COMPENSATE"),
        result.errors().stream().map(x -> x.step() + "/" + x.phase()).toList());
    assertSame(probe.onlyThrown("confirm", StepPhase.INVOKE), result.errors().get(0).cause());
    assertSame(probe.onlyThrown("create-order", StepPhase.COMPENSATE), result.errors().get(1).cause());
  }

  @Test
  void doneRunDoesNotThrow() {
    WorkflowResult<Confirmation> result = runner.run(ACME, RunOptions.defaults());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("order-acme", result.result().orderId());
  }
}
