package io.stepwise.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepwise.runtime.Container;
import io.stepwise.runtime.WorkflowFailedException;
import io.stepwise.runtime.WorkflowResult;
import io.stepwise.runtime.WorkflowStatus;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A workflow that runs another as a child step (@ChildWorkflow), through generated runners. */
class ChildWorkflowTest {
  private final CheckoutWorkflowRunner runner = CheckoutWorkflowRunner.create(Container.empty());

  private static Script script() {
    return new Script("tx-" + UUID.randomUUID());
  }

  private static List<String> undo(Script script) {
    return script.journal().stream().filter(s -> s.startsWith("undo:")).toList();
  }

  @Test
  void childResultFlowsOnAndItsTransactionIdIsDerivedFromTheParents() {
    Script script = script();
    WorkflowResult<String> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.DONE, result.status());
    assertEquals("confirmed label-carrier-for-order-" + script.id, result.result());
    assertTrue(script.journal().contains("child tx " + script.id + "/ship"), script.journal().toString());
  }

  @Test
  void laterFailureCompensatesTheChildsStepsAsAUnitInReverseThenTheEarlierSteps() {
    Script script = script().failAlways("confirm");
    WorkflowResult<String> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String order = "order-" + script.id;
    assertEquals(List.of("undo:print-label label-carrier-for-" + order, "undo:book-carrier carrier-for-" + order,
        "undo:order " + order), undo(script));
  }

  @Test
  void failingChildCompensatesItselfAndFailsTheParentStep() {
    Script script = script().failAlways("print-label");
    WorkflowResult<String> result = runner.run(script, script.options());

    assertEquals(WorkflowStatus.REVERTED, result.status());
    String order = "order-" + script.id;
    assertEquals(List.of("undo:book-carrier carrier-for-" + order, "undo:order " + order), undo(script));
    assertEquals("ship", result.errors().get(0).step());
    WorkflowFailedException child = assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause());
    assertEquals("create-shipment", child.result().workflowName());
    assertEquals(script.id + "/ship", child.result().transactionId());
    assertEquals("print-label", child.result().errors().get(0).step());
  }

  @Test
  void childCompensationFailureMakesTheParentFailed() {
    Script failing = script();
    failing.failAlways("confirm").failAlways("undo:book-carrier carrier-for-order-" + failing.id);
    WorkflowResult<String> result = runner.run(failing, failing.options());

    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals("ship", result.errors().get(1).step());
    assertTrue(result.errors().get(1).cause().getMessage().contains("'book-carrier'"), result.errors().get(1).cause().getMessage());
    assertTrue(undo(failing).contains("undo:order order-" + failing.id), "the parent's other compensations still run");
  }

  @Test
  void aFailedChildWhoseOwnCompensationFailedMakesTheParentFailed() {
    // the child's print-label fails, and its compensation of book-carrier fails too: the child ends
    // FAILED (work not undone), so the parent cannot say REVERTED even though its own undo worked
    Script failing = script();
    failing.failAlways("print-label").failAlways("undo:book-carrier carrier-for-order-" + failing.id);
    WorkflowResult<String> result = runner.run(failing, failing.options());

    assertEquals(WorkflowStatus.FAILED, result.status());
    WorkflowFailedException child = assertInstanceOf(WorkflowFailedException.class, result.errors().get(0).cause());
    assertEquals(WorkflowStatus.FAILED, child.result().status());
    assertTrue(undo(failing).contains("undo:order order-" + failing.id), "the parent's own compensations still run");
  }
}
